import { describe, expect, it } from 'vitest';
import { matchSurveyAnswer, parseSurveyAnswer, surveyQuestion } from './survey';

describe('survey questions', () => {
  it('fit one post on X and say the scale', () => {
    for (const kind of ['csat', 'effort'] as const) {
      const q = surveyQuestion(kind, { firstName: 'Alexandria-Josephine', brand: 'Some Very Long Brand Name Customer Care' });
      expect(q.length).toBeLessThanOrEqual(280);
      expect(q).toMatch(/1 \(very .+\) to 5 \(very .+\)/);
    }
  });
});

describe('parseSurveyAnswer', () => {
  const csat: Array<[string, number | null]> = [
    ['5', 5], ['@TendCare 4', 4], ['I would say 4.', 4], ['4/5', 4], ['5/5!', 5], ['4 out of 5', 4], ['8/10', 4], ['10/10', 5],
    ['⭐⭐⭐', 3], ['★★★★★', 5], ['four', 4], ['Five stars, thanks!', 5], ['1 - awful service', 1],
    ['very satisfied', 5], ['not satisfied at all', 2], ['very dissatisfied', 1], ['terrible', 1], ['meh', 3], ['great, thanks', 4],
    ['not bad', 4],
    ['between 3 and 4', null], ['call me at 555-1234', null], ['my order 12345 is still missing', null], ['2.5', null],
    ['ok', null], ['', null], ['thanks https://t.co/5abc', null],
  ];
  it.each(csat)('CSAT %j → %s', (text, score) => expect(parseSurveyAnswer('csat', text)).toBe(score));

  const effort: Array<[string, number | null]> = [
    ['very easy', 5], ['easy', 4], ['it was not easy', 2], ['not hard at all', 4], ['really difficult', 1], ['hard', 2],
    ['neither', 3], ['effortless', 5], ['2', 2], ['nightmare', 1], ['hmm', null],
  ];
  it.each(effort)('effort %j → %s', (text, score) => expect(parseSurveyAnswer('effort', text)).toBe(score));
});

describe('matchSurveyAnswer', () => {
  const pending = [
    { conversation_id: 'c1', kind: 'effort' as const, asked_at: 2000 },
    { conversation_id: 'c1', kind: 'csat' as const, asked_at: 1000 },
    { conversation_id: 'c2', kind: 'csat' as const, asked_at: 1000 },
  ];
  it('answers the oldest open survey of the same conversation', () => {
    expect(matchSurveyAnswer(pending, { conversation_id: 'c1', at: 3000, text: '5' })).toEqual({ survey: pending[1], score: 5 });
  });
  it('falls through to a survey whose words match', () => {
    // "very easy" answers no CSAT question, so it goes to the effort survey asked later.
    expect(matchSurveyAnswer(pending, { conversation_id: 'c1', at: 3000, text: 'very easy' })).toEqual({ survey: pending[0], score: 5 });
  });
  it('ignores other conversations, messages before asking, after the window, and non-answers', () => {
    expect(matchSurveyAnswer(pending, { conversation_id: 'c3', at: 3000, text: '5' })).toBeNull();
    expect(matchSurveyAnswer(pending, { conversation_id: 'c2', at: 500, text: '5' })).toBeNull();
    expect(matchSurveyAnswer(pending, { conversation_id: 'c2', at: 1000 + 8 * 86_400_000, text: '5' })).toBeNull();
    expect(matchSurveyAnswer(pending, { conversation_id: 'c2', at: 3000, text: 'where is my parcel?' })).toBeNull();
  });
});
