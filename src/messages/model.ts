/**
 * The platform-neutral outbound message. Commands and digests produce it; each adapter has a pure renderer that
 * turns it into its platform's payloads within that platform's limits (adapters/<name>/render.ts).
 */
export interface OutgoingMessage {
  /** The whole message as plain text: console output, Slack's notification fallback, logs. Always set. */
  readonly text: string;
  readonly blocks: readonly Block[];
  /** Buttons under the message (e.g. "More" on a search page). */
  readonly actions?: readonly Action[] | undefined;
  /** A file that goes with the answer (a BibTeX export): attached where the platform can, else shown or written. */
  readonly file?: OutgoingFile | undefined;
}

export interface OutgoingFile {
  /** `papers.bib` */
  readonly name: string;
  readonly content: string;
  /** `application/x-bibtex` */
  readonly mimeType: string;
}

export type Block = HeadingBlock | TextBlock | NoteBlock | PaperBlock | DividerBlock;

/** A title line. */
export interface HeadingBlock {
  readonly type: 'heading';
  readonly text: string;
}

/** A paragraph of plain text; `\n` separates lines. No markup: renderers escape it for their platform. */
export interface TextBlock {
  readonly type: 'text';
  readonly text: string;
}

/** A short remark with a tone: `warning` for a user's mistake, `error` for our failure. */
export interface NoteBlock {
  readonly type: 'note';
  readonly text: string;
  readonly tone: 'info' | 'warning' | 'error';
}

export interface DividerBlock {
  readonly type: 'divider';
}

/**
 * A paper card: title linked to its Hugging Face page, TL;DR, first authors, upvotes and comments, code and project
 * links, arXiv and PDF links, thumbnail, the topics it matches. Semantic fields, not markup: each renderer decides
 * bold, links and truncation.
 */
/** The most extra lines a card shows, and the length each is cut to. */
export const CARD_LINES_MAX = 3;
export const CARD_LINE_MAX = 200;

export interface PaperBlock {
  readonly type: 'paper';
  readonly id: string;
  readonly title: string;
  /** The paper's Hugging Face page; the title links here. */
  readonly url: string;
  /** AI summary, else the abstract's first sentence. */
  readonly tldr: string;
  /** All authors, in order; renderers shorten to the first few + "et al.". */
  readonly authors: readonly string[];
  readonly upvotes: number;
  readonly comments: number;
  readonly github?: { readonly url: string; readonly stars: number | null } | undefined;
  readonly projectPage?: string | undefined;
  readonly arxivUrl: string;
  readonly pdfUrl: string;
  readonly thumbnailUrl?: string | undefined;
  /** The channel topics this paper matches. */
  readonly topics: readonly string[];
  /** 1-based place in the list shown, when it is a ranked list. */
  readonly position?: number | undefined;
  /** arXiv publication date, YYYY-MM-DD. */
  readonly published?: string | undefined;
  /**
   * Short extra lines under the authors (organization and submitter, a rising gain, the terms shared with another
   * paper): at most CARD_LINES_MAX, each cut to CARD_LINE_MAX characters by the renderers.
   */
  readonly lines?: readonly string[] | undefined;
  /**
   * Buttons that belong to this paper (Save, Similar, votes…): rendered with the card where the platform can, and
   * as the typed command (`Action.command`) where it cannot (the console).
   */
  readonly actions?: readonly Action[] | undefined;
  /**
   * Why a learned digest picked this paper, as one short line: `before` + `emphasis` (italic where the platform can)
   * + `after`, e.g. "like papers on *sparse autoencoders* this channel upvoted". Plain text, escaped by renderers.
   */
  readonly reason?: { readonly before: string; readonly emphasis: string; readonly after: string } | undefined;
}

/** A button. `id` is opaque: the adapter hands it back to the dispatcher when the button is pressed. */
export interface Action {
  readonly type: 'button';
  readonly id: string;
  /** Short (a platform may cut it); a card's buttons are told apart by the card's position where there is one. */
  readonly label: string;
  /** What the button is for, for platforms without buttons: the console types `more` for the `more` role. */
  readonly role?: 'more' | undefined;
  /** The same thing as a typed command (`/papers save 2410.17243`), for platforms without buttons. */
  readonly command?: string | undefined;
}
