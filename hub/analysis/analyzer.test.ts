import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AnalysisSchema, PrioritySchema } from '../../shared/domain';
import type { NormalizedPost } from '../connectors/types';
import { createAnalyzer, openAnalyzer, type Correction } from './analyzer';
import { FileModelStore, MemoryModelStore } from './model-store';
import { AnalysisService } from './service';
import { DEFAULT_TAXONOMY } from './taxonomy';

const dir = mkdtempSync(join(tmpdir(), 'tend-analysis-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rank = (p: string) => PrioritySchema.options.indexOf(p as never);

describe('analyze', () => {
  const analyzer = createAnalyzer();

  it('fills the shared AnalysisSchema and explains itself', () => {
    const a = analyzer.analyze({
      text: 'Worst service ever. I want a refund for the double charge, still waiting after 3 weeks!',
      author: { followers: 120_000, verified: false },
    });
    expect(AnalysisSchema.safeParse(a).success).toBe(true);
    expect(a.language).toBe('en');
    expect(a.sentiment.label).toBe('negative');
    expect(a.sentiment.score).toBeLessThan(-0.3);
    expect(a.intent).toBe('complaint');
    expect(['refund', 'billing']).toContain(a.topic);
    expect(a.reason).toMatch(/^negative \(−0\.\d\d\)/);
    expect(a.reason).toContain('refund');
    expect(a.reason).toContain('120k followers');
    expect(a.reason).toContain(`→ ${a.priority} priority`);
  });

  it('gives every post a reason, even an empty or odd one', () => {
    for (const text of ['', '   ', '🙂', 'https://t.co/abc', 'ok', 'a'.repeat(5000)]) {
      const a = analyzer.analyze({ text });
      expect(a.reason.length).toBeGreaterThan(5);
      expect(PrioritySchema.safeParse(a.priority).success).toBe(true);
    }
    expect(analyzer.analyze({ text: 'https://t.co/abc' }).noise).toBe(true);
  });

  it('ranks angry + influential + urgent above neutral praise', () => {
    const angry = analyzer.analyze({
      text: 'My flight was cancelled and I am stranded at the airport with two kids. Absolutely disgusting, nobody helps!!',
      author: { followers: 250_000, verified: true },
    });
    const angryQuiet = analyzer.analyze({ text: 'My flight was cancelled and nobody helps. Disgusting.', author: { followers: 40 } });
    const question = analyzer.analyze({ text: 'How do I change the address on my account?', author: { followers: 40 } });
    const praise = analyzer.analyze({ text: 'Thanks, the new app looks nice.', author: { followers: 40 } });
    const safety = analyzer.analyze({ text: 'The heater you sold me caught fire last night', author: { followers: 10 } });
    expect(angry.priority).toBe('urgent');
    expect(safety.intent).toBe('urgent_safety');
    expect(rank(safety.priority)).toBeGreaterThanOrEqual(rank('high'));
    expect(rank(angry.priority)).toBeGreaterThan(rank(angryQuiet.priority));
    expect(rank(angryQuiet.priority)).toBeGreaterThanOrEqual(rank(question.priority));
    expect(rank(question.priority)).toBeGreaterThan(rank(praise.priority));
    expect(praise.priority).toBe('low');
    const spam = analyzer.analyze({ text: 'Giveaway!! follow me and click here for free followers', author: { followers: 90_000 } });
    expect(spam).toMatchObject({ intent: 'spam', noise: true, noise_kind: 'spam', priority: 'low' });
    expect(spam.reason).toMatch(/^spam: /);
    expect(angry.reason).toMatch(/stranded/);
    expect(angry.reason).toMatch(/250k followers, verified/);
  });

  it('detects a few languages and says und when unsure', () => {
    expect(createAnalyzer().analyze({ text: 'No me ha llegado el pedido y nadie me contesta' }).language).toBe('es');
    expect(createAnalyzer().analyze({ text: 'Je n\'ai pas reçu ma commande, merci de vérifier' }).language).toBe('fr');
    expect(createAnalyzer().analyze({ text: 'Meine Bestellung ist nicht angekommen und ich bin sauer' }).language).toBe('de');
    expect(createAnalyzer().analyze({ text: 'Где мой заказ?' }).language).toBe('ru');
    expect(createAnalyzer().analyze({ text: '12345' }).language).toBe('und');
  });
});

describe('learning from agents', () => {
  const refundTexts = [
    'the blender arrived with a cracked jar',
    'my kettle leaks from the bottom after a week',
    'the zipper on the bag broke the first day',
    'screen has dead pixels straight out of the box',
  ];

  it('changes later predictions, and survives a save and a load', async () => {
    const store = new FileModelStore(join(dir, 'models'));
    const a = await openAnalyzer({ store, workspaceId: 'ws-1' });
    const probe = 'my toaster is smoking a little and smells of plastic';
    const before = a.analyze({ text: probe });
    expect(before.intent).not.toBe('warranty_claim');

    // agents teach a label of their own, and contrast it with praise
    const corrections: Correction[] = [
      ...refundTexts.map((text) => ({ text, task: 'intent' as const, label: 'warranty_claim' })),
      { text: 'my toaster smells of burnt plastic and smokes', task: 'intent', label: 'warranty_claim' },
      { text: 'love the new toaster, works great', task: 'intent', label: 'praise' },
      { text: 'thank you for the quick delivery', task: 'intent', label: 'praise' },
      { text: 'thanks so much, great help', task: 'intent', label: 'praise' },
    ];
    for (const c of corrections) await a.learn(c);
    const after = a.analyze({ text: probe });
    expect(after.intent).toBe('warranty_claim');
    expect(a.analyze({ text: 'thanks, great toaster' }).intent).toBe('praise');

    const stored = JSON.parse(readFileSync(join(dir, 'models', 'ws-1.model.json'), 'utf8'));
    expect(stored.corrections.intent).toBe(corrections.length);

    const reloaded = await openAnalyzer({ store, workspaceId: 'ws-1' });
    expect(reloaded.analyze({ text: probe })).toEqual(after);
    expect(reloaded.stats().intent.labels).toEqual(expect.arrayContaining(['warranty_claim', 'praise']));
    // another workspace learned nothing
    const other = await openAnalyzer({ store, workspaceId: 'ws-2' });
    expect(other.analyze({ text: probe }).intent).toBe(before.intent);
  });

  it('learns sentiment and priority corrections', async () => {
    const a = createAnalyzer();
    // sarcasm the tone cues miss: VADER reads "wonderful" as praise, agents know better
    const text = 'wonderful, my bag is in Denver and I am in Boston';
    const n = 12;
    const batch: Correction[] = [];
    for (let i = 0; i < n; i++) {
      batch.push({ text: `wonderful, my bag is in city ${i} and I am in Boston`, task: 'sentiment', label: 'negative' });
      batch.push({ text: `lovely crew on flight ${i}`, task: 'sentiment', label: 'positive' });
      batch.push({ text: `what time does gate ${i} open`, task: 'sentiment', label: 'neutral' });
    }
    expect(a.analyze({ text }).sentiment.label).toBe('positive');
    await a.learnMany(batch);
    expect(a.analyze({ text }).sentiment.label).toBe('negative');
    expect(a.analyze({ text }).reason).toMatch(/^negative \(−0\.\d\d, learned from 12 corrections\)/);

    const b = createAnalyzer();
    const vip = 'where is my invoice for the enterprise plan';
    const base = b.analyze({ text: vip }).priority;
    expect(base).not.toBe('urgent');
    const pr: Correction[] = [];
    for (let i = 0; i < 30; i++) {
      pr.push({ text: `${vip} number ${i}`, task: 'priority', label: 'urgent' });
      pr.push({ text: `nice photo of the office ${i}`, task: 'priority', label: 'low' });
    }
    await b.learnMany(pr);
    const after = b.analyze({ text: vip });
    expect(after.priority).toBe('urgent');
    expect(after.reason).toContain('learned from agents');
  });

  it('refuses bad corrections and learns nothing from a batch with one', async () => {
    const store = new MemoryModelStore();
    const a = await openAnalyzer({ store, workspaceId: 'w' });
    await expect(a.learn({ text: '', task: 'intent', label: 'x' })).rejects.toThrow(/text is empty/);
    await expect(a.learn({ text: 'hi', task: 'mood' as never, label: 'x' })).rejects.toThrow(/task/);
    await expect(a.learn({ text: 'hi', task: 'priority', label: 'critical' })).rejects.toThrow(/priority must be one of/);
    await expect(a.learnMany([
      { text: 'good', task: 'sentiment', label: 'positive' },
      { text: 'bad', task: 'sentiment', label: '' },
    ])).rejects.toThrow(/correction #2/);
    expect(a.stats().sentiment.corrections).toBe(0);
    expect(await store.load('w')).toBeNull();
  });

  it('reports a corrupt model file clearly', async () => {
    writeFileSync(join(dir, 'broken.model.json'), '{"version":1,"models":');
    await expect(openAnalyzer({ store: new FileModelStore(dir), workspaceId: 'broken' })).rejects.toThrow(/not valid JSON/);
    writeFileSync(join(dir, 'odd.model.json'), JSON.stringify({ version: 1, models: { intent: { kind: 'svm' } }, corrections: {}, updated_at: 'x' }));
    await expect(openAnalyzer({ store: new FileModelStore(dir), workspaceId: 'odd' })).rejects.toThrow(/naive Bayes/);
    await expect(new FileModelStore(dir).load('../etc/passwd')).rejects.toThrow(/cannot name a model file/);
  });
});

describe('taxonomy', () => {
  it('lets a workspace add an intent with keywords, and refuses an invalid one', async () => {
    const store = new MemoryModelStore();
    const a = await openAnalyzer({ store, workspaceId: 'shop' });
    const text = 'is the blue jacket coming back in size M?';
    expect(a.analyze({ text }).intent).not.toBe('restock');
    const t = { ...DEFAULT_TAXONOMY, intents: [...DEFAULT_TAXONOMY.intents, { id: 'restock', name: 'Restock', keywords: ['coming back', 'back in stock', 'restock*'] }] };
    await a.setTaxonomy(t);
    expect(a.analyze({ text }).intent).toBe('restock');
    await expect(a.setTaxonomy({ intents: [{ id: 'a', name: 'A' }, { id: 'a', name: 'B' }], topics: [] })).rejects.toThrow(/duplicate intent id "a"/);
    expect(a.analyze({ text }).intent).toBe('restock'); // unchanged
    const again = await openAnalyzer({ store, workspaceId: 'shop' });
    expect(again.analyze({ text }).intent).toBe('restock');
    expect(() => createAnalyzer({ taxonomy: { intents: 'x' } })).toThrow(/invalid taxonomy at intents/);
  });
});

describe('AnalysisService (the hub hook)', () => {
  it('analyzes a NormalizedPost per workspace and learns per workspace', async () => {
    const svc = new AnalysisService();
    const post: NormalizedPost = {
      channel: 'x', account: 'brand', platform_id: '1', author: { platform_user_id: 'u1', handle: 'maria', name: 'Maria', followers: 15_000, verified: true },
      text: 'my card 4111 1111 1111 1111 was charged twice, I need a refund now', visibility: 'public', in_reply_to: null,
      created_at: new Date().toISOString(), permalink: null, from_brand: false,
    };
    const hook = svc.hookFor('ws-a');
    const a = await hook(post);
    expect(a.pii).toContain('card');
    expect(a.reason).toContain('15k followers, verified');
    expect(a.reason).toContain('personal data: card number');
    expect(AnalysisSchema.safeParse(a).success).toBe(true);
    for (let i = 0; i < 5; i++) {
      await svc.learn('ws-a', { text: `charged twice on my card ${i}`, task: 'topic', label: 'double_charge' });
      await svc.learn('ws-a', { text: `parcel late again ${i}`, task: 'topic', label: 'delivery' });
    }
    expect((await hook({ ...post, text: 'you charged my card twice' })).topic).toBe('double_charge');
    expect((await svc.analyzePost('ws-b', { ...post, text: 'you charged my card twice' })).topic).not.toBe('double_charge');
  });
});
