/**
 * Block Kit and message checks as Slack makes them on chat.postMessage, against the documented limits in
 * documented.ts (an independent reading of Slack's limits, not the adapter's code), and the text helpers tests use to
 * read what a message says.
 */
import { SLACK_BLOCKS, SLACK_METADATA } from './documented.js';
import { type FakeSlackOptions, type ResolvedOptions, resolveOptions } from './options.js';
import type { PostedMessage } from './recorder.js';

const BLOCK_TYPES = new Set(['header', 'section', 'context', 'divider', 'actions', 'image']);

/** Every `text` string anywhere in the blocks: what Slack adds up for msg_blocks_too_long. */
export function totalBlockText(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + totalBlockText(v), 0);
  if (value && typeof value === 'object') {
    let n = 0;
    for (const [key, v] of Object.entries(value)) {
      n += key === 'text' && typeof v === 'string' ? v.length : totalBlockText(v);
    }
    return n;
  }
  return 0;
}

/** The text of a message as a reader would search it: every text string in its blocks, then its fallback. */
export function messageText(message: Pick<PostedMessage, 'text' | 'blocks'> | Record<string, unknown>): string {
  const parts: string[] = [];
  const walk = (value: unknown) => {
    if (Array.isArray(value)) for (const v of value) walk(v);
    else if (value && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) {
        if (key === 'text' && typeof v === 'string') parts.push(v);
        else walk(v);
      }
    }
  };
  walk((message as { blocks?: unknown }).blocks ?? []);
  if (parts.length === 0 && typeof message.text === 'string') parts.push(message.text);
  return parts.join('\n');
}

interface TextObject {
  type?: unknown;
  text?: unknown;
}

/**
 * What chat.postMessage would answer about a message's blocks with this fake's limits: undefined when Slack would
 * take it, else the error and its detail (tests check rendered replies with it without posting them).
 */
export function checkSlackBlocks(
  blocks: readonly Record<string, unknown>[],
  options: FakeSlackOptions = {},
): { error: string; detail: string } | undefined {
  return checkBlocks(blocks, resolveOptions(options));
}

/** checkSlackBlocks with resolved options (what chat.postMessage runs). */
export function checkBlocks(
  blocks: readonly Record<string, unknown>[],
  options: ResolvedOptions,
): { error: string; detail: string } | undefined {
  const invalid = (detail: string) => ({ error: 'invalid_blocks', detail });
  if (blocks.length > SLACK_BLOCKS.perMessage)
    return invalid(`no more than ${SLACK_BLOCKS.perMessage} items allowed [json-pointer:/blocks]`);
  const blockIds = new Set<string>();
  const actionIds = new Set<string>();
  for (const [i, block] of blocks.entries()) {
    const at = `[json-pointer:/blocks/${i}]`;
    if (!BLOCK_TYPES.has(String(block.type))) return invalid(`unsupported type ${String(block.type)} ${at}`);
    if (block.block_id !== undefined) {
      const id = String(block.block_id);
      if (id.length > SLACK_BLOCKS.blockId || blockIds.has(id)) return invalid(`invalid block_id ${at}`);
      blockIds.add(id);
    }
    const text = block.text as TextObject | undefined;
    switch (block.type) {
      case 'header': {
        const problem = checkText(text, SLACK_BLOCKS.headerText, ['plain_text'], options);
        if (problem) return invalid(`${problem} ${at}/text`);
        break;
      }
      case 'section': {
        const fields = block.fields as TextObject[] | undefined;
        if (text === undefined && fields === undefined) return invalid(`section needs text or fields ${at}`);
        if (text !== undefined) {
          const problem = checkText(text, SLACK_BLOCKS.sectionText, ['plain_text', 'mrkdwn'], options);
          if (problem) return invalid(`${problem} ${at}/text`);
        }
        if (fields !== undefined) {
          if (!Array.isArray(fields) || fields.length === 0 || fields.length > SLACK_BLOCKS.sectionFields)
            return invalid(`must provide between 1 and ${SLACK_BLOCKS.sectionFields} fields ${at}/fields`);
          for (const [f, field] of fields.entries()) {
            const problem = checkText(field, SLACK_BLOCKS.fieldText, ['plain_text', 'mrkdwn'], options);
            if (problem) return invalid(`${problem} ${at}/fields/${f}`);
          }
        }
        const accessory = block.accessory as Record<string, unknown> | undefined;
        if (accessory !== undefined) {
          const problem = checkImage(accessory, options);
          if (problem) return invalid(`${problem} ${at}/accessory`);
        }
        break;
      }
      case 'context': {
        const elements = block.elements as Record<string, unknown>[] | undefined;
        if (!Array.isArray(elements) || elements.length === 0 || elements.length > SLACK_BLOCKS.contextElements)
          return invalid(`must provide between 1 and ${SLACK_BLOCKS.contextElements} elements ${at}/elements`);
        for (const [e, element] of elements.entries()) {
          const problem =
            element.type === 'image'
              ? checkImage(element, options)
              : checkText(element, SLACK_BLOCKS.contextElementText, ['plain_text', 'mrkdwn'], options);
          if (problem) return invalid(`${problem} ${at}/elements/${e}`);
        }
        break;
      }
      case 'actions': {
        const elements = block.elements as Record<string, unknown>[] | undefined;
        if (!Array.isArray(elements) || elements.length === 0 || elements.length > SLACK_BLOCKS.actionsElements)
          return invalid(`must provide between 1 and ${SLACK_BLOCKS.actionsElements} elements ${at}/elements`);
        for (const [e, element] of elements.entries()) {
          if (element.type !== 'button') return invalid(`unsupported element ${at}/elements/${e}`);
          const problem = checkText(element.text as TextObject, SLACK_BLOCKS.buttonText, ['plain_text'], options);
          if (problem) return invalid(`${problem} ${at}/elements/${e}/text`);
          const actionId = String(element.action_id ?? '');
          if (!actionId || actionId.length > SLACK_BLOCKS.actionId || actionIds.has(actionId))
            return invalid(`invalid action_id ${at}/elements/${e}`);
          actionIds.add(actionId);
          if (element.value !== undefined && String(element.value).length > SLACK_BLOCKS.buttonValue)
            return invalid(`value must be at most ${SLACK_BLOCKS.buttonValue} characters ${at}/elements/${e}/value`);
        }
        break;
      }
      case 'image': {
        const problem = checkImage(block, options);
        if (problem) return invalid(`${problem} ${at}`);
        break;
      }
    }
  }
  const total = totalBlockText(blocks);
  if (total > options.maxBlockText) {
    return { error: 'msg_blocks_too_long', detail: `blocks hold ${total} characters of text` };
  }
  return undefined;
}

function checkText(
  text: TextObject | undefined,
  max: number,
  types: readonly string[],
  options: ResolvedOptions,
): string | undefined {
  if (!text || typeof text.text !== 'string') return 'missing text object';
  if (!types.includes(String(text.type))) return `text type must be ${types.join(' or ')}`;
  if (text.text.length === 0) return 'text must be at least 1 character';
  if (text.text.length > max) return `must be less than ${max + 1} characters`;
  if (text.type === 'mrkdwn' && options.strictMrkdwn) return mrkdwnProblem(text.text);
  return undefined;
}

function checkImage(image: Record<string, unknown>, options: ResolvedOptions): string | undefined {
  const url = String(image.image_url ?? '');
  if (!/^https?:\/\//.test(url) || url.length > SLACK_BLOCKS.url) return 'invalid image_url';
  const alt = String(image.alt_text ?? '');
  if (!alt || alt.length > SLACK_BLOCKS.altText) return 'invalid alt_text';
  if (options.brokenImage?.(url)) return 'downloading image failed';
  return undefined;
}

/** A `<` that does not open a link or mention, or a `>` outside one: unescaped text. */
function mrkdwnProblem(text: string): string | undefined {
  const stripped = text.replace(/<(https?:\/\/|mailto:|@|#|!)[^<>]*>/g, '');
  if (/[<>]/.test(stripped)) return 'unescaped < or > in mrkdwn';
  if (/&(?!amp;|lt;|gt;)/.test(stripped)) return 'unescaped & in mrkdwn';
  return undefined;
}

/** Message metadata as Slack stores it. */
export interface MessageMetadata {
  readonly event_type: string;
  readonly event_payload: Record<string, unknown>;
}

/**
 * The `metadata` argument of chat.postMessage as Slack reads it (https://docs.slack.dev/messaging/message-metadata):
 * a JSON object (or its JSON text, form-encoded) with `event_type` (letters, numbers, underscores, hyphens) and an
 * `event_payload` object. `format` problems fail the call (invalid_metadata_format); `schema` problems are, per the
 * guide, a warning with the metadata dropped (or an error, as the fake's `invalidMetadata` option says).
 */
export function checkMetadata(
  raw: unknown,
  options: Pick<ResolvedOptions, 'maxMetadataBytes'>,
):
  | { readonly ok: true; readonly metadata: MessageMetadata | undefined }
  | { readonly ok: false; readonly error: 'invalid_metadata_format' | 'metadata_too_large' }
  | { readonly ok: false; readonly error: 'invalid_metadata_schema'; readonly schema: true } {
  if (raw === undefined || raw === '') return { ok: true, metadata: undefined };
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return { ok: false, error: 'invalid_metadata_format' };
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, error: 'invalid_metadata_format' };
  if (Buffer.byteLength(JSON.stringify(value)) > options.maxMetadataBytes)
    return { ok: false, error: 'metadata_too_large' };
  const { event_type: eventType, event_payload: payload } = value as Record<string, unknown>;
  const payloadIsObject = typeof payload === 'object' && payload !== null && !Array.isArray(payload);
  if (typeof eventType !== 'string' || !SLACK_METADATA.eventType.test(eventType) || !payloadIsObject)
    return { ok: false, error: 'invalid_metadata_schema', schema: true };
  return { ok: true, metadata: { event_type: eventType, event_payload: payload as Record<string, unknown> } };
}
