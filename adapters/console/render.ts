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
  const style = styleOf(colorsFor(stdout, env));
  return { ...style, cardActions: typedActions(style) };
}

/** What a reply prints: its text, and how to see a next page when it has a "More" button. */
export function renderReply(result: CommandResult, style: TextStyle): string {
  const more = result.message.actions?.some((a) => a.role === 'more');
  return `${toPlainText(result.message.blocks, style)}\n${more ? '(type “more” for the next page)\n' : ''}`;
}

/** A digest as posted to the terminal, framed so it stands apart from the answers around it. */
export function renderDigest(message: OutgoingMessage, style: TextStyle): string {
  const rule = '━'.repeat(31);
  return `\n${style.heading('━━━ Digest for console:local ━━━')}\n${toPlainText(message.blocks, style)}\n${style.heading(rule)}\n`;
}

/**
 * The console has no buttons: under each card, its buttons as the commands to type,
 * `   ↳ save: /papers save 2410.17243 · similar: /papers similar 2410.17243`.
 */
export function typedActions(style: Pick<TextStyle, 'dim'>): NonNullable<TextStyle['cardActions']> {
  return (actions) => {
    const typed = actions.filter((a) => a.command);
    if (typed.length === 0) return undefined;
    return style.dim(`   ↳ ${typed.map((a) => `${a.label.toLowerCase()}: ${a.command}`).join(' · ')}`);
  };
}
