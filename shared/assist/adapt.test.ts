import { describe, expect, it } from 'vitest';
import { adaptReply } from './adapt';
import { normalizeReply, rougeL, rougeTokens, splitSignature } from './text';

describe('adapting a past reply to this conversation', () => {
  it("addresses this customer, signs as this agent, keeps links, and carries none of the other customer's data", () => {
    const past = "@maria_l Hi Maria, sorry about order #A-99321! I've refunded the card ending 4111 1111 1111 1111 and mailed maria@example.com. Steps: https://help.example.com/refunds?id=12345678 -KC";
    const a = adaptReply(past, { customerHandle: 'tom_b', customerName: 'Tom Baker', agentSignature: '^AB', brandHandles: ['ShopCare'] }, { customerHandles: ['maria_l'], customerName: 'Maria Lopez' });
    expect(a.text).toMatch(/^@tom_b Hi Tom, sorry about \[order number\]!/);
    expect(a.text).toContain('https://help.example.com/refunds?id=12345678');
    expect(a.text).toContain('[card number]');
    expect(a.text).toContain('[e-mail]');
    expect(a.text.endsWith('^AB')).toBe(true);
    for (const leak of ['maria', 'Maria', '99321', '4111', '-KC']) expect(a.text).not.toContain(leak);
    expect(a.changes).toEqual(expect.arrayContaining(['addressed to @tom_b', 'name changed to Tom', 'signed by you instead']));
  });

  it('removes a greeting name it cannot replace, and other handles, but keeps the brand', () => {
    const a = adaptReply('@jo @sam Hello Jordan, @ShopCare here: please DM us. ^JK', { customerHandle: 'ana', brandHandles: ['shopcare'] });
    expect(a.text).toBe('@ana Hello, @ShopCare here: please DM us.');
    expect(a.changes).toContain('1 other handle removed');
    expect(a.changes).toContain("the other agent's signature removed");
  });

  it('finds a name after a shouted greeting, and leaves ordinary words after one alone', () => {
    expect(adaptReply('@Rmincher HI Richard, sorry to hear about this.', { customerHandle: 'lex' }).text).toBe('@lex HI, sorry to hear about this.');
    expect(adaptReply('Hi there, we can help.', { customerHandle: 'lex' }).text).toBe('@lex Hi there, we can help.');
    expect(adaptReply('Thanks for waiting!', {}).text).toBe('Thanks for waiting!');
  });

  it('leaves a plain reply alone', () => {
    expect(adaptReply('Thanks for reaching out! Please send us a DM.').text).toBe('Thanks for reaching out! Please send us a DM.');
  });
});

describe('reply text', () => {
  it('finds the signatures care teams use and nothing else', () => {
    for (const [reply, sig] of [['Please DM us. -KC', '-KC'], ['No thank you. ^JK', '^JK'], ['Sorry! *TS', '*TS'], ['Glad to help ~Jane', '~Jane'], ['We can help - AA', '- AA']] as const) {
      expect(splitSignature(reply).signature).toBe(sig);
    }
    for (const reply of ['Please send us a DM.', 'Reply with your ID', 'It is down - Thanks']) expect(splitSignature(reply).signature).toBeNull();
  });
  it('normalises handles, links and signatures before ROUGE-L', () => {
    expect(normalizeReply('@bob Please see https://t.co/x1 now -KC')).toBe('@user please see <url> now');
    const a = rougeTokens(normalizeReply('@a Please send us a DM ^JK')), b = rougeTokens(normalizeReply('@b please send us a direct message -AA'));
    expect(rougeL(a, a)).toBe(1);
    expect(rougeL(a, b)).toBeCloseTo(2 * (5 / 6) * (5 / 7) / (5 / 6 + 5 / 7), 5);
    expect(rougeL([], b)).toBe(0);
  });
});
