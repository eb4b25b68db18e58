import vader from 'vader-sentiment';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { column, readRows } from './input';
import { findDataDir } from '../../testing/hub/analysis-data';
import { vaderCompound } from './vader';

const original = (t: string) => vader.SentimentIntensityAnalyzer.polarity_scores(t).compound;

const HAND = [
  'I love this!!!', 'I do NOT like it at all', 'The food was not bad, but the service was TERRIBLE.', 'kind of good', 'never so happy',
  'at least it works', 'least helpful staff', 'this is the bomb :)', 'meh...', 'What?!? No way?!?', 'sort of ok I guess',
  '@united thanks, you guys are the best! :-D', '"great", another delay.', 'Not bad at all', 'yeah right', '', '   ', '!!!', 'a',
  "can't complain, really", 'VERY bad, very BAD', 'It isn\'t horrible but it isn\'t great either', 'cut the mustard they did not',
];

describe('VADER port', () => {
  it('scores like vader-sentiment on hand-picked edge cases', () => {
    for (const t of HAND) expect(vaderCompound(t), t).toBe(original(t));
  });
  const dir = findDataDir('twcs_first5000.csv');
  it.skipIf(!dir)('scores like vader-sentiment on 8,000 real posts (skipped without ../shared/data)', () => {
    const texts = [
      ...readRows(join(dir!, 'twcs_first5000.csv')).map((r) => String(column(r, 'text') ?? '')),
      ...readRows(join(dir!, 'airline_sentiment_train.csv')).slice(0, 3000).map((r) => String(column(r, 'text') ?? '')),
    ];
    let differ = 0;
    for (const t of texts) if (vaderCompound(t) !== original(t)) differ++;
    expect(differ).toBe(0);
  });
});
