import pc from 'picocolors';
import type { TextStyle } from '../messages/plain-text.js';

/** The styles the CLI and the console use; each is the identity when colour is off. */
export type Colors = Pick<
  ReturnType<typeof pc.createColors>,
  'bold' | 'dim' | 'cyan' | 'yellow' | 'red' | 'green' | 'underline'
>;

/**
 * Colours for `stream`: on for a terminal, off when it is not one or when NO_COLOR is set to anything
 * (https://no-color.org), forced on by FORCE_COLOR.
 */
export function colorsFor(
  stream: { isTTY?: boolean | undefined },
  env: Readonly<Record<string, string | undefined>>,
): Colors {
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0';
  const enabled = forced || (stream.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb');
  return pc.createColors(enabled);
}

/** The plain-text rendering's styles in these colours: bold headings and titles, dim links, coloured notes. */
export function styleOf(colors: Colors): TextStyle {
  return { heading: colors.bold, title: colors.bold, dim: colors.dim, warning: colors.yellow, error: colors.red };
}
