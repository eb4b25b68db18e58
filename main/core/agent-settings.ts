/**
 * What belongs to the person, not the desktop: their keymap (and learned palette order), kept on
 * the hub and cached here under their agent id, so whoever signs in next on this desktop starts
 * from their own (issue 12: a supervisor signing in after an agent inherited the agent's keys).
 * A change made offline is kept here, marked pending, and sent at the next sign-in or change.
 * The canned responses (the team's and their own) are read from the hub and cached the same way,
 * so `;shortcode` keeps working offline; so are the macros (the team's and their own), so they run offline.
 */
import { AGENT_SETTING_KEYS, type AgentSettingKey, type CannedItem } from '../../shared/contract/admin';
import type { Macro } from '../../shared/contract/macros';
import type { Db } from './db/open';
import { CoreError } from './errors';
import type { OnlineApi } from './live/online';

export const isAgentSetting = (key: string): key is AgentSettingKey => (AGENT_SETTING_KEYS as readonly string[]).includes(key);

export class AgentSettings {
  constructor(private readonly db: Db, private readonly online: OnlineApi, private readonly agentId: () => string | null) {}

  private read(key: string): unknown {
    const raw = this.db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(key) as string | undefined;
    return raw === undefined ? null : JSON.parse(raw);
  }

  private write(key: string, value: unknown): void {
    this.db.prepare('INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, JSON.stringify(value ?? null));
  }

  private remove(key: string): void {
    this.db.prepare('DELETE FROM settings WHERE key = ?').run(key);
  }

  private slot(agent: string, key: string): string { return `agent/${agent}/${key}`; }
  private pendingSlot(agent: string, key: string): string { return `agent/${agent}/pending/${key}`; }

  get(key: AgentSettingKey): unknown {
    const agent = this.agentId();
    return agent ? this.read(this.slot(agent, key)) : null;
  }

  /** Kept here at once; on the hub when it answers (else pending). */
  async set(key: AgentSettingKey, value: unknown): Promise<void> {
    const agent = this.agentId();
    if (!agent) throw new CoreError('not_logged_in', 'sign in first: settings belong to the person');
    this.write(this.slot(agent, key), value);
    this.write(this.pendingSlot(agent, key), true);
    await this.push(agent, key);
  }

  private async push(agent: string, key: AgentSettingKey): Promise<void> {
    try {
      await this.online.admin('saveAgentSetting', { params: { key }, body: { value: this.read(this.slot(agent, key)) } });
      this.remove(this.pendingSlot(agent, key));
    } catch {
      // offline or refused: stays pending, sent at the next sign-in or change
    }
  }

  /** After sign-in: the pending changes go to the hub, the rest comes from it. */
  async signedIn(): Promise<void> {
    const agent = this.agentId();
    if (!agent) return;
    for (const key of AGENT_SETTING_KEYS) if (this.read(this.pendingSlot(agent, key)) !== null) await this.push(agent, key);
    let remote: Record<string, unknown>;
    try {
      remote = ((await this.online.admin('agentSettings', {})) as { settings: Record<string, unknown> }).settings;
    } catch {
      return; // offline: what is cached here stands
    }
    for (const key of AGENT_SETTING_KEYS) {
      if (this.read(this.pendingSlot(agent, key)) !== null) continue;
      if (key in remote) this.write(this.slot(agent, key), remote[key]);
      else this.remove(this.slot(agent, key));
    }
  }

  /** The team's canned responses and the person's own: from the hub when it answers, else as last read. */
  async canned(): Promise<{ canned: CannedItem[]; offline: boolean }> {
    const { items, offline } = await this.readThrough<CannedItem>('canned');
    return { canned: items, offline };
  }

  /** What the hub answers for `route`, kept in this agent's slot of that name; else what it last answered (offline). */
  private async readThrough<T>(route: 'canned' | 'macros'): Promise<{ items: T[]; offline: boolean }> {
    const agent = this.agentId();
    if (!agent) throw new CoreError('not_logged_in', 'sign in first');
    try {
      const items = ((await this.online.admin(route, {})) as Record<string, T[]>)[route];
      this.write(this.slot(agent, route), items);
      return { items, offline: false };
    } catch (err) {
      if (err instanceof CoreError && err.code !== 'offline' && err.code !== 'unavailable') throw err;
      return { items: (this.read(this.slot(agent, route)) as T[] | null) ?? [], offline: true };
    }
  }

  /** The canned responses as last read from the hub, without asking it (null: never read on this desktop). */
  cachedCanned(): CannedItem[] | null {
    const agent = this.agentId();
    return agent ? (this.read(this.slot(agent, 'canned')) as CannedItem[] | null) : null;
  }

  /** The caller's macros and their teams': from the hub when it answers, else as last read. */
  async macros(): Promise<{ macros: Macro[]; offline: boolean }> {
    const { items, offline } = await this.readThrough<Macro>('macros');
    return { macros: items, offline };
  }

  /** The macros as last read from the hub (null: never read on this desktop). */
  cachedMacros(): Macro[] | null {
    const agent = this.agentId();
    return agent ? (this.read(this.slot(agent, 'macros')) as Macro[] | null) : null;
  }

  /** One run of a macro counted on the hub (when it answers: a figure, not a promise). */
  async macroUsed(id: string): Promise<void> {
    await this.online.admin('macroUsed', { params: { id } }).catch(() => {});
  }

  /** One insertion counted on the hub (when it answers: the count is a figure, not a promise). */
  async used(id: string): Promise<void> {
    await this.online.admin('cannedUsed', { params: { id } }).catch(() => {});
  }
}
