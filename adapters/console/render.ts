/** The console's renderer: the core's plain-text rendering, with terminal styles, and a frame around digests. */
import {
  type CommandResult,
  colorsFor,
  type Env,
  type OutgoingMessage,
  styleOf,
  type TextStyle,
  toPlainText,
} from '../../src/index.js';

/** Terminal colours for the console's output, when it is a terminal and the environment allows them. */
export function consoleStyle(stdout: { isTTY?: boolean | undefined }, env: Env): TextStyle {
  return styleOf(colorsFor(stdout, env));
}

/** What a reply prints: its text, and how to continue when it has a "More" button. */
export function renderReply(result: CommandResult, style: TextStyle): string {
  const more = result.message.actions?.some((a) => a.role === 'more');
  return `${toPlainText(result.message.blocks, style)}\n${more ? '(type “more” for the next page)\n' : ''}`;
}

/** A digest as posted to the terminal, framed so it stands apart from the answers around it. */
export function renderDigest(message: OutgoingMessage, style: TextStyle): string {
  const rule = '━'.repeat(31);
  return `\n${style.heading('━━━ Digest for console:local ━━━')}\n${toPlainText(message.blocks, style)}\n${style.heading(rule)}\n`;
}
