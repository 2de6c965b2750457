import { sql } from 'drizzle-orm';
import type { SimilarHit, SimilarPapers, SimilarResult } from '../ports/similar.js';
import type { Database } from './client.js';
import { textArray, toPaper } from './pg-paper-store.js';

/** How many of the paper's signature terms (its most distinctive by tf-idf) make the candidate query. */
export const SIMILAR_TERMS = 12;
/**
 * Postings read per query term, heaviest first (a champion list): a term held by fewer papers is read whole, so on
 * a small archive every paper sharing a term is a candidate; at a million papers a common term costs K rows, not
 * the 50,000–200,000 papers that hold it. Measured on the bench's million papers against reading every signature
 * (20 papers): 400 gave recall@5 0.61 in 17 ms, 1000 gave 0.74 in 23 ms, 1500 gave 0.77 in 29 ms (median).
 */
export const POSTINGS_PER_TERM = 1000;
/** A paper sharing one term only is similar when that term is this rare (in at most RARE_DF_MIN papers or this share). */
const RARE_DF_SHARE = 0.002;
const RARE_DF_MIN = 10;
/** Candidates (best by the postings read) scored again from their whole signatures. */
const RESCORED = 500;
/** Candidates read past the first `limit` to leave out exact-title duplicates. */
const TITLE_SLACK = 20;

const SELECT_PAPER = sql.raw(
  'p.id, p.title, p.abstract, p.authors, p.published_at as "publishedAt", p.ai_summary as "aiSummary", p.ai_keywords as "aiKeywords", p.github_repo as "githubRepo", p.github_stars as "githubStars", p.project_page as "projectPage", p.organization, p.org_handle as "organizationHandle", p.submitter, p.thumbnail, p.num_comments as "numComments", p.upvotes',
);

/**
 * Lexical "more like this", in the database, from signatures (migration 0015): each paper's top 24 lexemes by
 * tf-idf (best field: title 3, AI keywords 2, AI summary 1.5, abstract 1; × (1 + ln(occurrences)) × idf from
 * `term_df`), weights scaled to unit length, kept by triggers at import.
 * 1. the source paper's first SIMILAR_TERMS signature terms;
 * 2. for each, the POSTINGS_PER_TERM (or `postingsPerTerm`) papers in which it weighs most (`signature_postings`,
 *    migration 0016); the RESCORED best of them by the weights read;
 * 3. each of those scored from the two signatures: the cosine of the shared terms' weights (0–1), its shared terms
 *    ordered by their weight in the source; a paper sharing one term only is left out unless that term is rare.
 */
export class PgSimilarPapers implements SimilarPapers {
  private readonly database: Database;
  private readonly postingsPerTerm: number;
  constructor(database: Database, options: { postingsPerTerm?: number } = {}) {
    this.database = database;
    this.postingsPerTerm = options.postingsPerTerm ?? POSTINGS_PER_TERM;
  }

  async similar(paperId: string, limit: number): Promise<SimilarResult | undefined> {
    return this.similarOnce(paperId, limit, true);
  }

  private async similarOnce(paperId: string, limit: number, maySign: boolean): Promise<SimilarResult | undefined> {
    const [sourceRow] = await this.database.rows<Record<string, unknown> & { terms: string[] | null }>(
      sql`select ${SELECT_PAPER}, s.terms from papers p left join paper_signatures s on s.paper_id = p.id
          where p.id = ${paperId}`,
    );
    if (!sourceRow) return undefined;
    const source = toPaper(sourceRow as never);
    if (!sourceRow.terms) {
      // Stored by a bulk import whose end (pp_similar_fill) has not run yet: sign it now, once (a signature that is
      // still missing after that answers "nothing similar" rather than asking again).
      if (!maySign) return { source, hits: [] };
      await this.database.rows(sql`select pp_similar_sign(array[${paperId}]::text[])`);
      return this.similarOnce(paperId, limit, false);
    }
    if (sourceRow.terms.length === 0) return { source, hits: [] };
    const rows = await this.database.rows<Record<string, unknown> & { score: number; shared: string[] }>(sql`
      with src as materialized (
        select s.terms, s.weights, lower(pp_unaccent(p.title)) as title
        from paper_signatures s join papers p on p.id = s.paper_id where s.paper_id = ${paperId}
      ),
      q as materialized (
        select x.t, x.w,
          coalesce(d.df, 0) <= greatest(${RARE_DF_MIN}::int, ${RARE_DF_SHARE}::float8 * (select df from term_df where term = ''))
            or cardinality(src.terms) = 1 as rare
        from src, unnest(src.terms[1:${SIMILAR_TERMS}], src.weights[1:${SIMILAR_TERMS}]) as x(t, w)
          left join term_df d on d.term = x.t
      ),
      candidates as materialized (
        select c.paper_id
        from q cross join lateral (
          select sp.paper_id, sp.weight from signature_postings sp
          where sp.term = q.t order by sp.weight desc, sp.paper_id limit ${this.postingsPerTerm}
        ) c
        where c.paper_id <> ${paperId}
        group by c.paper_id
        order by sum(q.w * c.weight) desc, c.paper_id
        limit ${RESCORED}
      ),
      scored as materialized (
        select c.paper_id as id, sum(q.w * x.w) as score, array_agg(x.t order by q.w desc, x.t) as shared
        from candidates c join paper_signatures s on s.paper_id = c.paper_id,
          unnest(s.terms, s.weights) as x(t, w) join q on q.t = x.t
        group by c.paper_id
        having count(*) >= 2 or bool_or(q.rare)
      ),
      page as (select * from scored order by score desc, id limit ${limit + TITLE_SLACK})
      select ${SELECT_PAPER}, least(s.score, 1)::float8 as score, s.shared
      from page s join papers p on p.id = s.id
      where lower(pp_unaccent(p.title)) <> (select title from src)
      order by s.score desc, p.id
      limit ${limit}`);
    const words = await this.surfaceWords(source, new Set(rows.flatMap((r) => r.shared)));
    const hits: SimilarHit[] = rows.map((r) => ({
      paper: toPaper(r as never),
      score: Math.round(Number(r.score) * 1000) / 1000,
      sharedTerms: r.shared.map((term) => words.get(term) ?? term),
    }));
    return { source, hits };
  }

  /** Each lexeme as a word of the source paper that produces it (title words first), for showing shared terms. */
  private async surfaceWords(
    source: { title: string; aiKeywords: readonly string[] | null; aiSummary: string | null; abstract: string },
    lexemes: ReadonlySet<string>,
  ): Promise<Map<string, string>> {
    const result = new Map<string, string>();
    if (lexemes.size === 0) return result;
    const text = [source.title, ...(source.aiKeywords ?? []), source.aiSummary ?? '', source.abstract].join(' ');
    // Only the words that can stem to a shared lexeme: the English stemmer rewrites suffixes only, so a lexeme less
    // its last letter starts the word or a part of a hyphenated one (words with letters beyond a–z are all kept), e.g.
    // polici ← policy. Stemming a few words, not the whole text.
    const plain = (w: string) => w.normalize('NFD').replace(/\p{M}/gu, '');
    const prefixes = [...lexemes].map((l) => plain(l).slice(0, Math.max(3, l.length - 1)));
    const words = [...new Set(text.toLowerCase().match(/[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*/gu) ?? [])]
      .filter(
        (w) => /[^a-z0-9-]/.test(w) || [w, ...w.split('-')].some((x) => prefixes.some((p) => plain(x).startsWith(p))),
      )
      .slice(0, 1000);
    const rows = await this.database.rows<{ word: string; lexeme: string }>(sql`
      select w.word, v.lexeme
      from unnest(${textArray(words)}::text[]) with ordinality as w(word, n),
        unnest(to_tsvector('english', pp_unaccent(w.word))) as v
      order by (w.word like '%-%'), w.n`);
    for (const row of rows) {
      if (lexemes.has(row.lexeme) && !result.has(row.lexeme)) result.set(row.lexeme, row.word);
    }
    return result;
  }
}
