import { describe, expect, it } from 'vitest';
import { privateReplyProblem, PRIVATE_REPLY_WINDOW_MS } from './private-replies';

describe('Meta private replies: one per comment, within 7 days', () => {
  const now = Date.parse('2026-12-07T12:00:00Z');
  it('a fresh comment without a private reply can be answered privately', () => {
    expect(privateReplyProblem('facebook', { created_at: now - 3_600_000, replied: false }, now)).toBeNull();
    expect(privateReplyProblem('instagram', { created_at: now - PRIVATE_REPLY_WINDOW_MS + 1, replied: false }, now)).toBeNull();
  });
  it('a second private reply, or one after 7 days, is refused with the reason', () => {
    expect(privateReplyProblem('facebook', { created_at: now, replied: true }, now)).toMatch(/^Facebook allows one private reply per comment/);
    expect(privateReplyProblem('instagram', { created_at: now - PRIVATE_REPLY_WINDOW_MS - 1, replied: false }, now)).toMatch(/^Instagram allows a private reply to a comment only within 7 days/);
  });
});
