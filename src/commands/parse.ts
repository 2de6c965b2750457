import { UserError } from '../errors.js';
import type { CommandSpec, OptionSpec, OptionValue } from '../ports/commands.js';
import type { Args } from './definition.js';

/** The longest echo of a user's input inside a message. */
const ECHO = 40;

/** `"…"` around a clipped echo of user input. */
export function quote(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return `“${flat.length > ECHO ? `${flat.slice(0, ECHO)}…` : flat}”`;
}

/** A command line after `/papers`: its first word (the subcommand, lower case) and the rest as typed. */
export function splitCommandLine(line: string): { command: string; rest: string } {
  const text = line.trim();
  const command = text.split(/\s+/)[0] ?? '';
  return { command: command.toLowerCase(), rest: text.slice(command.length).trim() };
}

/**
 * Turns a command's input into validated arguments, the same way for text (Slack, console, CLI) and typed options
 * (Discord). Never writes anything.
 *
 * @throws UserError with the command's usage line, naming the option at fault.
 */
export function parseArgs(
  def: CommandSpec,
  input: { readonly kind: 'text'; readonly text: string } | { readonly kind: 'options'; readonly values: Args },
): Args {
  const raw = input.kind === 'text' ? fromText(def, input.text) : fromOptions(def, input.values);
  const args: Record<string, OptionValue | undefined> = {};
  for (const option of def.options) {
    const value = raw[option.name];
    if (value === undefined || value === '') {
      if (option.required) throw usageError(def, `${def.name} needs ${article(option)}.`);
      continue;
    }
    args[option.name] = validate(def, option, value);
  }
  return args;
}

function article(option: OptionSpec): string {
  if (option.type === 'integer') return `a number for ${option.name}`;
  const noun = option.name.replace(/-/g, ' ');
  return `${/^[aeiou]/i.test(noun) ? 'an' : 'a'} ${noun}`;
}

function usageError(def: CommandSpec, message: string): UserError {
  return new UserError(message, { usage: def.usage });
}

function validate(def: CommandSpec, option: OptionSpec, value: OptionValue): OptionValue {
  switch (option.type) {
    case 'boolean': {
      if (typeof value === 'boolean') return value;
      const text = String(value).toLowerCase();
      if (['true', 'yes', 'on', option.flag ?? 'true'].includes(text)) return true;
      if (['false', 'no', 'off'].includes(text)) return false;
      throw usageError(def, `${option.name} must be yes or no, not ${quote(String(value))}.`);
    }
    case 'integer': {
      const text = String(value).trim();
      const n = typeof value === 'number' ? value : /^-?\d{1,9}$/.test(text) ? Number(text) : Number.NaN;
      if (!Number.isInteger(n))
        throw usageError(def, `${option.name} must be a whole number, not ${quote(String(value))}.`);
      if ((option.min !== undefined && n < option.min) || (option.max !== undefined && n > option.max)) {
        throw usageError(def, `${option.name} must be from ${option.min} to ${option.max}, not ${n}.`);
      }
      return n;
    }
    case 'string': {
      if (typeof value !== 'string') throw usageError(def, `${option.name} must be text, not ${typeof value}.`);
      const text = withoutControls(value).trim();
      if (option.maxLength !== undefined && text.length > option.maxLength) {
        throw usageError(def, `${option.name} is ${text.length} characters long; the most is ${option.maxLength}.`);
      }
      if (option.choices) {
        const lower = text.toLowerCase();
        if (!option.choices.includes(lower)) {
          throw usageError(def, `${option.name} must be one of ${option.choices.join(', ')}, not ${quote(text)}.`);
        }
        return lower;
      }
      return text;
    }
  }
}

/** Discord: option values arrive typed and named; unknown names are refused. */
function fromOptions(def: CommandSpec, values: Readonly<Record<string, OptionValue | undefined>>) {
  for (const name of Object.keys(values)) {
    if (!def.options.some((o) => o.name === name)) throw usageError(def, `${def.name} has no option ${quote(name)}.`);
  }
  return values;
}

/** Words with their offsets; a double-quoted phrase is one word. */
function words(text: string): { word: string; start: number }[] {
  const out: { word: string; start: number }[] = [];
  const re = /-?"[^"]*"?|\S+/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push({ word: m[0], start: m.index });
  return out;
}

function acceptsWord(option: OptionSpec, word: string): boolean {
  if (option.pattern) return option.pattern.test(word);
  if (option.choices) return option.choices.includes(word.toLowerCase());
  if (option.type === 'integer') return /^-?\d+$/.test(word);
  return option.type === 'string';
}

/** Slack and the console: maps the words of a line onto the options (see OptionSpec). */
function fromText(def: CommandSpec, input: string): Record<string, OptionValue> {
  let text = withoutControls(input).trim();
  const values: Record<string, OptionValue> = {};
  const flag = def.options.find((o) => o.flag);
  if (flag?.flag) {
    const tail = new RegExp(`(^|\\s)${flag.flag}$`, 'i').exec(text);
    if (tail) {
      values[flag.name] = true;
      text = text.slice(0, tail.index).trim();
    }
  }
  const positional = def.options.filter((o) => !o.flag && !o.rest && !o.cliOnly);
  const rest = def.options.find((o) => o.rest);
  for (const { word, start } of words(text)) {
    const option = positional.find((o) => values[o.name] === undefined && acceptsWord(o, word));
    if (option) {
      values[option.name] = word;
      continue;
    }
    // A word no option takes while a required one is still empty was meant for it: validation says what is wrong.
    const required = positional.find((o) => o.required && values[o.name] === undefined);
    if (required) {
      values[required.name] = word;
      continue;
    }
    if (rest) {
      values[rest.name] = text.slice(start).trim();
      break;
    }
    throw usageError(def, `${quote(word)} is not something ${def.name} understands here.`);
  }
  return values;
}

/**
 * Control characters (a pasted NUL, an escape sequence) become spaces: Postgres refuses NUL in text. A lone UTF-16
 * surrogate (half of an emoji, cut by a client) becomes U+FFFD: it cannot be stored or sent as JSON text.
 */
export function withoutControls(text: string): string {
  return [...text].map((ch) => (isControl(ch) ? ' ' : isLoneSurrogate(ch) ? '\uFFFD' : ch)).join('');
}

function isLoneSurrogate(ch: string): boolean {
  const code = ch.charCodeAt(0);
  return ch.length === 1 && code >= 0xd800 && code <= 0xdfff;
}

function isControl(ch: string): boolean {
  const code = ch.codePointAt(0)!;
  return (code < 0x20 && ch !== '\n' && ch !== '\t') || code === 0x7f;
}
