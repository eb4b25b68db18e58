import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Crisis } from '../../../shared/contract/spikes';
import { DEFAULT_CANNED } from '../../../shared/text/canned';
import { core } from '../testing/fake-core';
import { renderApp } from '../testing/fixtures';
import { CrisisBanner, useCannedWithCrisis } from './Crisis';

const crisis: Crisis = {
  id: 'k1', topic: 'delivery', holding_statement: 'We know parcels are late today and are on it.', team_id: 't2', team_name: 'Escalations', alert_id: null,
  started_at: new Date().toISOString(), started_by: { id: 'agent-sam', name: 'Sam Rivera' }, ended_at: null, ended_by: null,
};

function Shortcodes({ topic }: { topic?: string }) {
  const { canned } = useCannedWithCrisis(DEFAULT_CANNED, topic);
  return <ol aria-label="canned">{canned.map((c) => <li key={c.shortcode}>{c.shortcode}</li>)}</ol>;
}

describe('Crisis mode on the desk (issue 15)', () => {
  it('shows every agent a banner: the topic, who turned it on, where the topic goes, the pinned statement', async () => {
    core.handle('crisis.list', () => ({ active: [crisis], recent: [] }));
    renderApp(<CrisisBanner />);
    const banner = await screen.findByRole('region', { name: 'Crisis mode' });
    expect(banner).toHaveTextContent('Crisis mode: delivery');
    expect(banner).toHaveTextContent('(Sam Rivera)');
    expect(banner).toHaveTextContent('new conversations go to Escalations');
    expect(banner).toHaveTextContent(';holding');
  });

  it('pins the holding statement first on the topic\u2019s conversations only', async () => {
    core.handle('crisis.list', () => ({ active: [crisis], recent: [] }));
    renderApp(<><Shortcodes topic="Delivery" /><Shortcodes topic="billing" /></>);
    const [onTopic, other] = await screen.findAllByRole('list', { name: 'canned' });
    await expect.poll(() => onTopic!.textContent).toBe(['holding', ...DEFAULT_CANNED.map((c) => c.shortcode)].join(''));
    expect(other!.textContent).toBe(DEFAULT_CANNED.map((c) => c.shortcode).join(''));
  });

  it('has no banner while no crisis is on (one that ended is only in the list)', async () => {
    core.handle('crisis.list', () => ({ active: [], recent: [crisis] }));
    renderApp(<CrisisBanner />);
    await expect.poll(() => core.callsOf('crisis.list').length).toBeGreaterThan(0);
    expect(screen.queryByRole('region', { name: 'Crisis mode' })).not.toBeInTheDocument();
  });
});
