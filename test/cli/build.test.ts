import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILD_INFO, builtMain, sourceFingerprint } from '../../adapters/dist.js';
import { childEnv, ROOT, run } from '../support/spawn.js';

/**
 * adapters/paperpulse.js runs dist/<fingerprint>/ only when it is the complete build of exactly the sources beside
 * it (adapters/dist.js), and the TypeScript sources through tsx otherwise: a stale build must never run.
 */
describe('the executable chooses between the build in dist/ and the sources', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pp-build-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A minimal project: the real entry and dist.js, a main.ts that says it ran, and a build that says so too. */
  function project(name: string): string {
    const root = join(dir, name);
    mkdirSync(join(root, 'adapters'), { recursive: true });
    mkdirSync(join(root, 'src'), { recursive: true });
    writeFileSync(join(root, 'package.json'), '{ "name": "paperpulse", "version": "9.9.9", "type": "module" }\n');
    writeFileSync(join(root, 'tsconfig.json'), '{}\n');
    writeFileSync(join(root, 'tsconfig.build.json'), '{ "extends": "./tsconfig.json" }\n');
    cpSync(join(ROOT, 'adapters/paperpulse.js'), join(root, 'adapters/paperpulse.js'));
    cpSync(join(ROOT, 'adapters/dist.js'), join(root, 'adapters/dist.js'));
    // Type syntax: only tsx can run it.
    writeFileSync(join(root, 'adapters/main.ts'), "const ran: string = 'sources';\nconsole.log('ran ' + ran);\n");
    writeFileSync(join(root, 'src/value.ts'), 'export const value: number = 1;\n');
    symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
    return root;
  }

  /** What dist/<fingerprint> would hold after `npm run build` of the current sources (complete unless told). */
  function fakeBuild(root: string, complete = true): string {
    const fingerprint = sourceFingerprint(root);
    const out = join(root, 'dist', fingerprint);
    mkdirSync(join(out, 'adapters'), { recursive: true });
    writeFileSync(join(out, 'adapters/main.js'), "console.log('ran dist');\n");
    if (complete) writeFileSync(join(out, BUILD_INFO), `{ "fingerprint": "${fingerprint}" }\n`);
    return fingerprint;
  }

  const ran = async (root: string, env: Record<string, string> = {}) => {
    const r = await run(process.execPath, [join(root, 'adapters/paperpulse.js'), 'search', 'x'], {
      env: childEnv(env),
    });
    expect(r.stderr).toBe('');
    return r.stdout.trim();
  };

  it('the fingerprint changes with any source or build configuration, and only with them', () => {
    const root = project('fingerprint');
    const first = sourceFingerprint(root);
    expect(sourceFingerprint(root)).toBe(first);
    writeFileSync(join(root, 'README.md'), 'not compiled\n');
    expect(sourceFingerprint(root), 'a file tsc does not compile').toBe(first);

    writeFileSync(join(root, 'src/value.ts'), 'export const value: number = 2;\n');
    const edited = sourceFingerprint(root);
    expect(edited).not.toBe(first);
    writeFileSync(join(root, 'src/extra.ts'), 'export {};\n');
    const added = sourceFingerprint(root);
    expect(added).not.toBe(edited);
    rmSync(join(root, 'src/extra.ts'));
    expect(sourceFingerprint(root), 'deleting the added file restores it').toBe(edited);
    mkdirSync(join(root, 'adapters/chat'));
    writeFileSync(join(root, 'adapters/chat/index.ts'), 'export {};\n');
    expect(sourceFingerprint(root), 'a file in a subfolder of adapters/').not.toBe(edited);
    rmSync(join(root, 'adapters/chat'), { recursive: true });
    writeFileSync(join(root, 'tsconfig.build.json'), '{ "compilerOptions": { "target": "ES2020" } }\n');
    expect(sourceFingerprint(root), 'the build configuration').not.toBe(edited);
  });

  it('runs the build of the current sources, and the sources when there is none, or a stale or partial one', async () => {
    const root = project('choice');
    expect(builtMain(root)).toMatchObject({ main: undefined, reason: 'no dist/' });
    expect(await ran(root), 'no dist/').toBe('ran sources');

    fakeBuild(root, false);
    expect(builtMain(root)).toMatchObject({ main: undefined, reason: 'no build of the current sources in dist/' });
    expect(await ran(root), 'a build that never finished (no build-info.json)').toBe('ran sources');

    const fingerprint = fakeBuild(root);
    expect(builtMain(root)).toMatchObject({ fingerprint, main: expect.any(URL) });
    expect(await ran(root), 'the build of these sources').toBe('ran dist');
    expect(await ran(root, { PAPERPULSE_FROM_SOURCES: '1' }), 'PAPERPULSE_FROM_SOURCES=1').toBe('ran sources');

    writeFileSync(join(root, 'src/value.ts'), 'export const value: number = 2;\n');
    expect(await ran(root), 'a source edited after the build').toBe('ran sources');
    writeFileSync(join(root, 'src/value.ts'), 'export const value: number = 1;\n');
    expect(await ran(root), 'the same sources again: the same build').toBe('ran dist');
    writeFileSync(join(root, 'src/new.ts'), 'export {};\n');
    expect(await ran(root), 'a source added after the build').toBe('ran sources');
  }, 60_000);

  it('npm run build compiles the real sources into a build whose every module loads and whose help is the same', async () => {
    const root = join(dir, 'real');
    mkdirSync(root);
    for (const path of ['src', 'adapters', 'package.json', 'tsconfig.json', 'tsconfig.build.json']) {
      cpSync(join(ROOT, path), join(root, path), { recursive: true });
    }
    symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
    const build = await run(process.execPath, [join(root, 'adapters/build.js')], {
      env: childEnv({}),
      timeoutMs: 120_000,
    });
    expect(build.stderr).toBe('');
    expect(build).toMatchObject({ code: 0, stdout: expect.stringMatching(/^built dist\/[0-9a-f]{20} in /) });
    const built = builtMain(root);
    expect(built.main).toBeInstanceOf(URL);
    const again = await run(process.execPath, [join(root, 'adapters/build.js')], { env: childEnv({}) });
    expect(again.stdout).toMatch(/is the build of the current sources: nothing to do/);

    // Every compiled module loads (a relative import tsc left pointing at a .ts file would not), main.js aside:
    // importing it runs the CLI.
    const out = join(root, 'dist', built.fingerprint!);
    const modules = readdirSync(out, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.js') && f !== join('adapters', 'main.js'));
    expect(modules.length).toBeGreaterThan(100);
    const load = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `for (const m of ${JSON.stringify(modules)}) await import(${JSON.stringify(`${out}/`)} + m);`,
      ],
      { env: childEnv({}), timeoutMs: 120_000 },
    );
    expect(load).toMatchObject({ code: 0, stderr: '' });

    const help = (env: Record<string, string>) =>
      run(process.execPath, [join(root, 'adapters/paperpulse.js'), '--help'], { env: childEnv(env) });
    const [fromDist, fromSources] = await Promise.all([help({}), help({ PAPERPULSE_FROM_SOURCES: '1' })]);
    expect(fromDist).toMatchObject({ code: 0, stderr: '' });
    expect(fromDist.stdout).toMatch(/^usage: paperpulse <command>/m);
    expect(fromDist.stdout).toBe(fromSources.stdout);
  }, 240_000);
});
