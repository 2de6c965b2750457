import { sql } from 'drizzle-orm';
import type { SimilarHit, SimilarPapers, SimilarResult } from '../ports/similar.js';
import type { Database } from './client.js';
import { textArray, toPaper } from './pg-paper-store.js';

/** How many of the paper's terms make the query: the most distinctive by tf-idf. */
export const SIMILAR_TERMS = 12;
/** Candidates scored at most: matches of the term query, read from the index without sorting. */
export const SIMILAR_CANDIDATES = 1000;
/** A term in more than this share of the archive says nothing about a paper. */
const MAX_DF_SHARE = 0.2;
/** A term this rare (or rarer: in at most RARE_DF_MIN papers) makes a candidate on its own; others come in pairs. */
const RARE_DF_SHARE = 0.002;
const RARE_DF_MIN = 10;

const SELECT_PAPER = sql.raw(
  'p.id, p.title, p.abstract, p.authors, p.published_at as "publishedAt", p.ai_summary as "aiSummary", p.ai_keywords as "aiKeywords", p.github_repo as "githubRepo", p.github_stars as "githubStars", p.project_page as "projectPage", p.organization, p.org_handle as "organizationHandle", p.submitter, p.thumbnail, p.num_comments as "numComments", p.upvotes',
);

/**
 * Lexical "more like this", in the database:
 * 1. the source paper's lexemes (from its search column), each weighted by the best field it is in (title 3, AI
 *    keywords 2, AI summary 1.5, abstract 1) × (1 + ln(occurrences)) × idf from `term_df` (kept by triggers at
 *    import: migration 0010); the top SIMILAR_TERMS;
 * 2. a weighted OR query over the same GIN index: any two of those terms, or one rare term;
 * 3. each candidate scored by the weights of the terms it shares (in its title fully, AI keywords 80%, AI summary
 *    70%, abstract 50%), normalised by the sum of the weights, so 1 means every term is shared in the title.
 */
export class PgSimilarPapers implements SimilarPapers {
  private readonly database: Database;
  constructor(database: Database) {
    this.database = database;
  }

  async similar(paperId: string, limit: number): Promise<SimilarResult | undefined> {
    const [sourceRow] = await this.database.rows<Record<string, unknown>>(
      sql`select ${SELECT_PAPER} from papers p where p.id = ${paperId}`,
    );
    if (!sourceRow) return undefined;
    const source = toPaper(sourceRow as never);
    const terms = await this.database.rows<{ term: string; w: number; df: number; n: number }>(sql`
      with src as (select search from papers where id = ${paperId}),
      n as (select greatest(coalesce((select df from term_df where term = ''), 0), 1)::float8 as n),
      tf as (
        select u.lexeme as term,
          max(case w.w when 'A' then 3.0 when 'B' then 2.0 when 'C' then 1.5 else 1.0 end)
            * (1 + ln(count(*))) as tf
        from src, unnest(src.search) u, unnest(u.weights) as w(w)
        where u.lexeme !~ '^(au|al|og):' and length(u.lexeme) >= 3 and u.lexeme !~ '^[0-9.,]+$'
        group by u.lexeme
      )
      select tf.term, (tf.tf * ln(n.n / d.df))::float8 as w, d.df, n.n
      from tf join term_df d on d.term = tf.term, n
      where d.df >= 2 and d.df <= greatest(2, n.n * ${MAX_DF_SHARE})
      order by w desc, tf.term
      limit ${SIMILAR_TERMS}`);
    if (terms.length === 0) return { source, hits: [] };
    const n = Number(terms[0]!.n);
    const quoted = terms.map((t) => `'${t.term.replace(/'/g, "''")}'`);
    const clauses: string[] = [];
    terms.forEach((t, i) => {
      if (Number(t.df) <= Math.max(RARE_DF_MIN, n * RARE_DF_SHARE) || terms.length === 1) clauses.push(quoted[i]!);
      for (let j = i + 1; j < terms.length; j++) clauses.push(`(${quoted[i]} & ${quoted[j]})`);
    });
    const total = terms.reduce((sum, t) => sum + Number(t.w), 0);
    const rows = await this.database.rows<Record<string, unknown> & { score: number; shared: string[] }>(sql`
      with src as (select id, lower(pp_unaccent(title)) as title from papers where id = ${paperId}),
      top as (
        select * from unnest(${textArray(terms.map((t) => t.term))}::text[], ${`{${terms.map((t) => Number(t.w)).join(',')}}`}::float8[]) as t(term, w)
      ),
      candidates as materialized (
        select p.id from papers p
        where p.search @@ ${clauses.join(' | ')}::tsquery and p.id <> ${paperId}
        limit ${SIMILAR_CANDIDATES}
      ),
      scored as (
        select c.id,
          sum(t.w * case when 'A' = any(u.weights) then 1.0 when 'B' = any(u.weights) then 0.8
            when 'C' = any(u.weights) then 0.7 else 0.5 end) as score,
          array_agg(t.term order by t.w desc) as shared
        from candidates c join papers p on p.id = c.id, unnest(p.search) u join top t on t.term = u.lexeme
        where lower(pp_unaccent(p.title)) <> (select title from src)
        group by c.id
      ), page as (
        select id, score, shared from scored order by score desc, id limit ${limit}
      )
      select ${SELECT_PAPER}, (s.score / ${total})::float8 as score, s.shared
      from page s join papers p on p.id = s.id
      order by s.score desc, p.id`);
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
    const words = [...new Set(text.toLowerCase().match(/[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*/gu) ?? [])].slice(0, 1000);
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
