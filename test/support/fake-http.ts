/**
 * HTTP plumbing shared by the fake platforms: reading a request body, and parsing `multipart/form-data` with the
 * runtime's own parser (the WHATWG `Request#formData()` of Node's fetch), so the fakes frame nothing by hand.
 */
import type { IncomingMessage } from 'node:http';

/** The whole request body. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** One part of a multipart body: a text field or a file. */
export type FormPart =
  | { readonly kind: 'field'; readonly name: string; readonly value: string }
  | {
      readonly kind: 'file';
      readonly name: string;
      readonly filename: string;
      readonly contentType: string;
      readonly data: Buffer;
    };

/** The parts of a `multipart/form-data` body, in order; throws when the body is not valid multipart. */
export async function parseMultipart(body: Buffer, contentType: string): Promise<FormPart[]> {
  const form = await new Request('http://fake.invalid/', {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  }).formData();
  const parts: FormPart[] = [];
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') parts.push({ kind: 'field', name, value });
    else
      parts.push({
        kind: 'file',
        name,
        filename: value.name,
        contentType: value.type || 'application/octet-stream',
        data: Buffer.from(await value.arrayBuffer()),
      });
  }
  return parts;
}

export const isMultipart = (contentType: string | undefined) =>
  (contentType ?? '').toLowerCase().startsWith('multipart/form-data');
