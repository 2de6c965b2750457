/**
 * A button press that relabels buttons of its own message (a vote's counts): the press is answered by updating
 * that message's components (interaction response type 7, no channel message), keeping each label's position
 * prefix ("3 · "); the voter's confirmation follows as an ephemeral follow-up.
 */
import type { APIActionRowComponent, APIComponentInMessageActionRow } from 'discord.js';
import { COMPONENT_LIMITS } from './limits.js';
import { clip } from './render.js';

type Row = APIActionRowComponent<APIComponentInMessageActionRow>;

/** The rows with the relabelled buttons; undefined when no button of the message is named in `labels`. */
export function relabelRows(rows: readonly Row[], labels: Readonly<Record<string, string>>): Row[] | undefined {
  let changed = false;
  const next = rows.map((row) => ({
    ...row,
    components: row.components.map((c) => {
      if (c.type !== 2 || !('custom_id' in c) || labels[c.custom_id] === undefined) return c;
      changed = true;
      const prefix = /^\d+ · /.exec(c.label ?? '')?.[0] ?? '';
      return { ...c, label: clip(`${prefix}${labels[c.custom_id]}`, COMPONENT_LIMITS.buttonLabel) };
    }),
  }));
  return changed ? next : undefined;
}
