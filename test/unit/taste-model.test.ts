import { describe, expect, it } from 'vitest';
import type { Paper } from '../../src/domain/paper.js';
import { featureKey, paperFeatures } from '../../src/services/taste/features.js';
import { blendRank, explain, reasonText, topFeatures, trainTaste } from '../../src/services/taste/model.js';
import { paperOf } from '../support/papers.js';

let n = 0;
const paper = (title: string, over: Partial<Paper> = {}): Paper =>
  paperOf({ id: `2501.${String(++n).padStart(5, '0')}`, title, upvotes: 10, ...over });

describe('the channel taste model', () => {
  it('reads distinctive terms, keyword phrases, authors and the organization, without stop words', () => {
    const keys = paperFeatures(
      paper('Towards Sparse Autoencoders for the Interpretability of LLMs', {
        aiKeywords: ['sparse autoencoders', 'mechanistic interpretability'],
        authors: ['Ada Lovelace'],
        organization: 'Anthropic',
      }),
    ).map(featureKey);
    expect(keys).toEqual(
      expect.arrayContaining(['t:sparse autoencoder', 't:interpretability', 'a:ada lovelace', 'o:anthropic']),
    );
    expect(keys).not.toContain('t:the');
    expect(keys).not.toContain('t:towards');
  });

  it('learns what a channel up- and downvotes, and explains a pick by its heaviest liked feature', () => {
    const liked = ['Sparse autoencoders find features', 'Scaling sparse autoencoders', 'Sparse autoencoders in vision'];
    const disliked = ['Gaussian splatting for scenes', 'Faster gaussian splatting', 'Gaussian splatting meshes'];
    const model = trainTaste([
      ...liked.map((t) => ({ paper: paper(t, { aiKeywords: ['sparse autoencoders'] }), label: 1 as const })),
      ...disliked.map((t) => ({ paper: paper(t, { aiKeywords: ['gaussian splatting'] }), label: 0 as const })),
    ]);
    expect(topFeatures(model, 1, 1, 'term')[0]!.feature.label).toMatch(/sparse|autoencoder/);
    expect(topFeatures(model, 1, -1, 'term')[0]!.feature.label).toMatch(/gaussian|splatting/);
    const candidate = paper('Sparse autoencoders for proteins', { aiKeywords: ['sparse autoencoders'], upvotes: 1 });
    const popular = paper('Gaussian splatting at scale', { aiKeywords: ['gaussian splatting'], upvotes: 300 });
    const ranked = blendRank(model, [popular, candidate]);
    expect(ranked.map((r) => r.paper.id)).toEqual([candidate.id, popular.id]);
    expect(reasonText(ranked[0]!.reason!)).toBe('like papers on sparse autoencoder this channel upvoted');
    expect(ranked[1]!.reason).toBeUndefined();
    expect(explain(model, popular)).toBeUndefined();
    // Deterministic: the same votes give the same model.
    const again = trainTaste([
      { paper: candidate, label: 1 },
      { paper: popular, label: 0 },
    ]);
    const twice = trainTaste([
      { paper: candidate, label: 1 },
      { paper: popular, label: 0 },
    ]);
    expect([...again.weights]).toEqual([...twice.weights]);
  });

  it('gives no weight to a feature seen in only one example', () => {
    const model = trainTaste([
      { paper: paper('Quokka dynamics'), label: 1 },
      { paper: paper('Wombat dynamics'), label: 1 },
      { paper: paper('Koala statics'), label: 0 },
    ]);
    expect(model.weights.has('t:quokka')).toBe(false);
    expect(model.weights.get('t:dynamic')).toBeGreaterThan(0);
  });
});
