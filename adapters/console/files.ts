/**
 * A file that goes with an answer (the BibTeX export): the console writes it into its export folder (the working
 * directory unless PAPERPULSE_EXPORT_DIR says otherwise), never over an existing file, and says where.
 */
import { open } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import type { OutgoingFile } from '../../src/index.js';

/** Writes the file as `name`, else `name-2`, `name-3`…; returns the path written. */
export async function writeExport(dir: string, file: OutgoingFile): Promise<string> {
  const ext = extname(file.name);
  const base = file.name.slice(0, file.name.length - ext.length) || 'export';
  for (let n = 1; n < 1000; n++) {
    const path = resolve(join(dir, n === 1 ? `${base}${ext}` : `${base}-${n}${ext}`));
    try {
      const handle = await open(path, 'wx', 0o600);
      try {
        await handle.writeFile(file.content, 'utf8');
      } finally {
        await handle.close();
      }
      return path;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  throw new Error(`no free file name for ${file.name} in ${dir}`);
}
