import { describe, expect, it } from 'vitest';
import { smokeDecision } from './smoke-electron';

describe('npm run smoke:electron', () => {
  it('says plainly that it was skipped where there is no Electron binary or no display (and so exits 0)', () => {
    const noBinary = smokeDecision({ binary: null, problem: 'the Electron binary is not installed (it downloads on first use, which needs the internet: `npx install-electron`)' });
    expect(noBinary).toEqual({ run: false, says: expect.stringMatching(/^smoke:electron skipped: the Electron binary is not installed .*Nothing was tested/) });
    expect(smokeDecision({ binary: '/e/electron', problem: 'there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)' }))
      .toMatchObject({ run: false, says: expect.stringContaining('skipped: there is no display') });
  });
  it('runs where both exist', () => {
    expect(smokeDecision({ binary: '/e/electron', problem: null })).toEqual({ run: true, binary: '/e/electron' });
  });
});
