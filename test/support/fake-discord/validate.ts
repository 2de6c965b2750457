/**
 * Message, command and autocomplete bodies checked the way Discord checks them, against the documented limits in
 * documented.ts, and answered in Discord's error shape: `{ code: 50035, message: 'Invalid Form Body', errors: {…} }`
 * (docs:developers/reference.mdx "Error Messages"). Exported helpers are used by other tests to check rendered
 * replies without posting them.
 */
import {
  DISCORD_COMMAND,
  DISCORD_COMMAND_NAME,
  DISCORD_COMPONENT,
  DISCORD_EMBED,
  DISCORD_ERRORS,
  DISCORD_FILES,
  DISCORD_MESSAGE,
} from './documented.js';

export type FormErrors = Record<string, unknown>;

/** Discord's 400 for a body that breaks a rule: `{ code: 50035, message: 'Invalid Form Body', errors }`. */
export function formError(errors: FormErrors): FormErrors & { code: number } {
  return { code: DISCORD_ERRORS.invalidFormBody, message: 'Invalid Form Body', errors } as FormErrors & {
    code: number;
  };
}

export const lengthError = (max: number) => ({
  _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${max} or fewer in length.` }],
});
const countError = (max: number) => ({
  _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${max} or fewer in length.` }],
});
export const typeError = (what: string) => ({ _errors: [{ code: 'BASE_TYPE_BAD_TYPE', message: `Invalid ${what}.` }] });
const urlError = () => ({ _errors: [{ code: 'URL_TYPE_INVALID_URL', message: 'Not a well formed URL.' }] });

const isAttachmentUrl = (value: unknown) => typeof value === 'string' && /^attachment:\/\/[^/]+$/.test(value);

/** Discord counts trimmed text. */
const tlen = (value: unknown) => (typeof value === 'string' ? value.trim().length : 0);

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** The characters of an embed counted toward the 6000 per message. */
export function fakeEmbedLength(embed: Record<string, unknown>): number {
  const fields = Array.isArray(embed.fields) ? (embed.fields as Record<string, unknown>[]) : [];
  return (
    tlen(embed.title) +
    tlen(embed.description) +
    tlen((embed.footer as { text?: unknown } | undefined)?.text) +
    tlen((embed.author as { name?: unknown } | undefined)?.name) +
    fields.reduce((n, f) => n + tlen(f.name) + tlen(f.value), 0)
  );
}

function validateEmbed(embed: Record<string, unknown>): FormErrors | undefined {
  const errors: FormErrors = {};
  if (tlen(embed.title) > DISCORD_EMBED.title) errors.title = lengthError(DISCORD_EMBED.title);
  if (tlen(embed.description) > DISCORD_EMBED.description) errors.description = lengthError(DISCORD_EMBED.description);
  if (embed.url !== undefined && !isHttpUrl(embed.url)) errors.url = urlError();
  const thumbnail = embed.thumbnail as { url?: unknown } | undefined;
  // Images "only support http(s) and attachments" (message.mdx, embed image/thumbnail structure).
  if (thumbnail && !isHttpUrl(thumbnail.url) && !isAttachmentUrl(thumbnail.url)) errors.thumbnail = { url: urlError() };
  const image = embed.image as { url?: unknown } | undefined;
  if (image && !isHttpUrl(image.url) && !isAttachmentUrl(image.url)) errors.image = { url: urlError() };
  const footer = embed.footer as { text?: unknown } | undefined;
  if (footer && tlen(footer.text) > DISCORD_EMBED.footerText)
    errors.footer = { text: lengthError(DISCORD_EMBED.footerText) };
  const author = embed.author as { name?: unknown } | undefined;
  if (author && tlen(author.name) > DISCORD_EMBED.authorName)
    errors.author = { name: lengthError(DISCORD_EMBED.authorName) };
  if (embed.fields !== undefined) {
    const fields = embed.fields as Record<string, unknown>[];
    if (!Array.isArray(fields) || fields.length > DISCORD_EMBED.fields) {
      errors.fields = countError(DISCORD_EMBED.fields);
    } else {
      const fieldErrors: FormErrors = {};
      fields.forEach((f, i) => {
        const e: FormErrors = {};
        if (tlen(f.name) < 1 || tlen(f.name) > DISCORD_EMBED.fieldName) e.name = lengthError(DISCORD_EMBED.fieldName);
        if (tlen(f.value) < 1 || tlen(f.value) > DISCORD_EMBED.fieldValue)
          e.value = lengthError(DISCORD_EMBED.fieldValue);
        if (Object.keys(e).length) fieldErrors[i] = e;
      });
      if (Object.keys(fieldErrors).length) errors.fields = fieldErrors;
    }
  }
  return Object.keys(errors).length ? errors : undefined;
}

function validateComponents(components: unknown): FormErrors | undefined {
  if (!Array.isArray(components)) return { _errors: typeError('components')._errors };
  if (components.length > DISCORD_MESSAGE.actionRows) return countError(DISCORD_MESSAGE.actionRows);
  const errors: FormErrors = {};
  const ids = new Set<string>();
  components.forEach((row: { type?: unknown; components?: unknown }, r) => {
    if (row.type !== 1 || !Array.isArray(row.components) || row.components.length > DISCORD_MESSAGE.buttonsPerRow) {
      errors[r] = { components: countError(DISCORD_MESSAGE.buttonsPerRow) };
      return;
    }
    row.components.forEach((b: Record<string, unknown>, i: number) => {
      const e: FormErrors = {};
      const id = b.custom_id;
      if (b.type !== 2) e.type = typeError('component type');
      if (typeof id !== 'string' || id.length < 1 || id.length > DISCORD_COMPONENT.customId)
        e.custom_id = lengthError(DISCORD_COMPONENT.customId);
      else if (ids.has(id))
        e.custom_id = {
          _errors: [{ code: 'COMPONENT_CUSTOM_ID_DUPLICATED', message: 'Component custom id cannot be duplicated' }],
        };
      if (typeof id === 'string') ids.add(id);
      if (typeof b.label !== 'string' || b.label.length > DISCORD_COMPONENT.buttonLabel)
        e.label = lengthError(DISCORD_COMPONENT.buttonLabel);
      if (Object.keys(e).length) errors[r] = { components: { [i]: e } };
    });
  });
  return Object.keys(errors).length ? errors : undefined;
}

/**
 * A message body as Discord checks it; undefined when it is fine, else the 400 body to answer. `files` is the number
 * of `files[n]` parts sent with it (a message of files only is not empty).
 */
export function validateMessage(
  body: unknown,
  prefix?: string,
  options: { allowEmpty?: boolean; files?: number } = {},
): (FormErrors & { code: number }) | undefined {
  if (typeof body !== 'object' || body === null) return formError({ _errors: typeError('body')._errors });
  const b = body as Record<string, unknown>;
  const errors: FormErrors = {};
  if (b.content !== undefined && typeof b.content !== 'string') errors.content = typeError('string');
  if (tlen(b.content) > DISCORD_MESSAGE.content) errors.content = lengthError(DISCORD_MESSAGE.content);
  if (b.nonce !== undefined && String(b.nonce).length > DISCORD_MESSAGE.nonce)
    errors.nonce = lengthError(DISCORD_MESSAGE.nonce);
  const embeds = b.embeds;
  if (embeds !== undefined) {
    if (!Array.isArray(embeds) || embeds.length > DISCORD_MESSAGE.embeds) {
      errors.embeds = countError(DISCORD_MESSAGE.embeds);
    } else {
      const embedErrors: FormErrors = {};
      embeds.forEach((e: Record<string, unknown>, i) => {
        const err = validateEmbed(e);
        if (err) embedErrors[i] = err;
      });
      if (Object.keys(embedErrors).length) errors.embeds = embedErrors;
      else if (
        embeds.reduce((n: number, e: Record<string, unknown>) => n + fakeEmbedLength(e), 0) > DISCORD_MESSAGE.embedTotal
      )
        errors.embeds = {
          _errors: [
            {
              code: 'MAX_EMBED_SIZE_EXCEEDED',
              message: `Embed size exceeds maximum size of ${DISCORD_MESSAGE.embedTotal}`,
            },
          ],
        };
    }
  }
  if (b.components !== undefined) {
    const err = validateComponents(b.components);
    if (err) errors.components = err;
  }
  if (Object.keys(errors).length) return formError(prefix ? { [prefix]: errors } : errors);
  const empty =
    tlen(b.content) === 0 &&
    (!Array.isArray(b.embeds) || b.embeds.length === 0) &&
    (!Array.isArray(b.components) || b.components.length === 0) &&
    !options.files;
  if (empty && !options.allowEmpty)
    return { code: DISCORD_ERRORS.emptyMessage, message: 'Cannot send an empty message' } as FormErrors & {
      code: number;
    };
  return undefined;
}

/** One `files[n]` part of a multipart request. */
export interface UploadedFile {
  /** The form field, `files[n]`. */
  readonly field: string;
  readonly filename: string;
  readonly contentType: string;
  readonly size: number;
  readonly data: Buffer;
}

/**
 * The files of a multipart message as Discord checks them (docs:developers/reference.mdx "Uploading Files"): at most
 * 10, each within the per-file size limit, each `files[n]` with a filename, and `attachments[].id` naming an `n` that
 * was sent. Undefined when fine, else the status and body to answer.
 */
export function validateFiles(
  files: readonly UploadedFile[],
  attachments: unknown,
  limits: { fileBytes: number; files: number } = DISCORD_FILES,
): { status: number; body: FormErrors & { code: number } } | undefined {
  if (files.length > limits.files)
    return {
      status: 400,
      body: {
        code: DISCORD_ERRORS.maxAttachments,
        message: `Maximum number of attachments in a message reached (${limits.files})`,
      },
    };
  // Undocumented: the HTTP status of 50045; we assume 413, the status of the request-size refusal (40005).
  const tooBig = files.find((f) => f.size > limits.fileBytes);
  if (tooBig)
    return {
      status: 413,
      body: { code: DISCORD_ERRORS.fileTooLarge, message: 'File uploaded exceeds the maximum size' },
    };
  const errors: FormErrors = {};
  for (const f of files) {
    if (!/^files\[\d+\]$/.test(f.field) || !f.filename)
      errors[f.field] = {
        _errors: [{ code: 'BASE_TYPE_REQUIRED', message: 'A file needs a filename and a files[n] name.' }],
      };
  }
  if (attachments !== undefined) {
    if (!Array.isArray(attachments)) errors.attachments = typeError('array');
    else {
      const sent = new Set(files.map((f) => f.field.slice('files['.length, -1)));
      const attachmentErrors: FormErrors = {};
      attachments.forEach((a: { id?: unknown; description?: unknown }, i) => {
        const e: FormErrors = {};
        if (!sent.has(String(a.id)))
          e.id = { _errors: [{ code: 'ATTACHMENT_NOT_FOUND', message: 'Unknown attachment.' }] };
        if (typeof a.description === 'string' && a.description.length > DISCORD_FILES.description)
          e.description = lengthError(DISCORD_FILES.description);
        if (Object.keys(e).length) attachmentErrors[i] = e;
      });
      if (Object.keys(attachmentErrors).length) errors.attachments = attachmentErrors;
    }
  }
  return Object.keys(errors).length ? { status: 400, body: formError(errors) } : undefined;
}

export function validateChoices(choices: unknown): (FormErrors & { code: number }) | undefined {
  if (!Array.isArray(choices)) return formError({ data: { choices: typeError('choices') } });
  if (choices.length > DISCORD_COMMAND.choices)
    return formError({ data: { choices: countError(DISCORD_COMMAND.choices) } });
  const errors: FormErrors = {};
  choices.forEach((c: { name?: unknown; value?: unknown }, i) => {
    const e: FormErrors = {};
    if (typeof c.name !== 'string' || c.name.length < 1 || c.name.length > DISCORD_COMMAND.choiceName)
      e.name = lengthError(DISCORD_COMMAND.choiceName);
    if (typeof c.value === 'string' && c.value.length > DISCORD_COMMAND.choiceValue)
      e.value = lengthError(DISCORD_COMMAND.choiceValue);
    if (Object.keys(e).length) errors[i] = e;
  });
  return Object.keys(errors).length ? formError({ data: { choices: errors } }) : undefined;
}

/** Checks a bulk-overwrite body the way Discord does (application-commands.mdx). */
export function validateCommands(body: unknown): FormErrors | undefined {
  if (!Array.isArray(body)) return { _errors: typeError('array')._errors };
  if (body.length > DISCORD_COMMAND.commands) return countError(DISCORD_COMMAND.commands);
  const errors: FormErrors = {};
  body.forEach((command: Record<string, unknown>, i) => {
    const e: FormErrors = {};
    let text = 0;
    const checkOption = (option: Record<string, unknown>, where: FormErrors): void => {
      if (
        typeof option.name !== 'string' ||
        !DISCORD_COMMAND_NAME.test(option.name) ||
        option.name !== option.name.toLowerCase()
      )
        where.name = { _errors: [{ code: 'APPLICATION_COMMAND_INVALID_NAME', message: 'Command name is invalid' }] };
      if (
        typeof option.description !== 'string' ||
        option.description.length < 1 ||
        option.description.length > DISCORD_COMMAND.description
      )
        where.description = lengthError(DISCORD_COMMAND.description);
      text += String(option.name ?? '').length + String(option.description ?? '').length;
      const choices = option.choices as { name: string; value: unknown }[] | undefined;
      if (choices) {
        if (choices.length > DISCORD_COMMAND.choices) where.choices = countError(DISCORD_COMMAND.choices);
        for (const c of choices) {
          text += String(c.name).length + String(c.value).length;
          if (
            String(c.name).length > DISCORD_COMMAND.choiceName ||
            String(c.value).length > DISCORD_COMMAND.choiceValue
          )
            where.choices = lengthError(DISCORD_COMMAND.choiceValue);
        }
        if (option.autocomplete)
          where.autocomplete = {
            _errors: [{ code: 'AUTOCOMPLETE_AND_CHOICES', message: 'Autocomplete cannot be set with choices' }],
          };
      }
      if (
        option.max_length !== undefined &&
        (Number(option.max_length) < 1 || Number(option.max_length) > DISCORD_COMMAND.stringLength)
      )
        where.max_length = lengthError(DISCORD_COMMAND.stringLength);
      const nested = option.options as Record<string, unknown>[] | undefined;
      if (nested) {
        if (nested.length > DISCORD_COMMAND.options) where.options = countError(DISCORD_COMMAND.options);
        let optionalSeen = false;
        const nestedErrors: FormErrors = {};
        nested.forEach((o, j) => {
          const oe: FormErrors = {};
          if (o.type !== 1 && o.type !== 2) {
            if (o.required && optionalSeen)
              oe.required = {
                _errors: [
                  {
                    code: 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID',
                    message: 'Required options must be placed before non-required options',
                  },
                ],
              };
            if (!o.required) optionalSeen = true;
          }
          checkOption(o, oe);
          if (Object.keys(oe).length) nestedErrors[j] = oe;
        });
        if (Object.keys(nestedErrors).length) where.options = nestedErrors;
      }
    };
    checkOption(command, e);
    if (
      command.default_member_permissions !== undefined &&
      command.default_member_permissions !== null &&
      typeof command.default_member_permissions !== 'string'
    )
      e.default_member_permissions = typeError('permissions');
    if (text > DISCORD_COMMAND.totalText)
      e._errors = [
        {
          code: 'APPLICATION_COMMAND_TOO_LARGE',
          message: `Command exceeds maximum size (${DISCORD_COMMAND.totalText})`,
        },
      ];
    if (Object.keys(e).length) errors[i] = e;
  });
  return Object.keys(errors).length ? errors : undefined;
}

/** What a person sees of a message body, as text: content, then each embed's title, link, text and fields. */
export function messageText(body: Record<string, unknown> | undefined): string {
  if (!body) return '';
  const lines: string[] = [];
  if (typeof body.content === 'string' && body.content) lines.push(body.content);
  for (const e of (body.embeds as Record<string, unknown>[] | undefined) ?? []) {
    const author = (e.author as { name?: string } | undefined)?.name;
    if (author) lines.push(author);
    if (e.title) lines.push(`${e.title}${e.url ? ` <${e.url}>` : ''}`);
    if (e.description) lines.push(String(e.description));
    for (const f of (e.fields as { name: string; value: string }[] | undefined) ?? [])
      lines.push(`${f.name}: ${f.value}`);
    const footer = (e.footer as { text?: string } | undefined)?.text;
    if (footer) lines.push(footer);
  }
  for (const row of (body.components as { components: { label?: string }[] }[] | undefined) ?? []) {
    for (const c of row.components) if (c.label) lines.push(`[${c.label}]`);
  }
  // Markdown escapes are not shown to the reader.
  return lines.join('\n').replace(/\\([\\*_~`|<>#[\]()-])/g, '$1');
}
