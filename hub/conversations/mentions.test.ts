import { describe, expect, it } from 'vitest';
import { mentionTokens } from './mentions';

describe('mentions in a note', () => {
  it('reads @names, not e-mail addresses, with trailing punctuation dropped', () => {
    expect([...mentionTokens('@Ana, can you check? cc @ben.osei. Mail is maria@example.com; @Chloé!')]).toEqual(['ana', 'ben.osei', 'chloé']);
    expect(mentionTokens('no mention here').size).toBe(0);
  });
});
