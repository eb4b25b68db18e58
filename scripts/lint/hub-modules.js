// The module rule inside the hub (hub/README.md "Modules"): which hub module may import which.
// An eslint rule (like the layer rule between processes in eslint.config.js) that resolves each
// relative import to the module it lands in. A violation fails `npm run lint`.
import path from 'node:path';

/**
 * Each module and the modules it may import (besides itself, shared/ and the module contract
 * api/module.ts, api/errors.ts and api/route.ts, which every module may import). No circles: the list is a ladder.
 */
export const HUB_MODULES = {
  db: [],
  sync: ['db'],
  api: ['db', 'sync', 'connectors'],
  accounts: ['db', 'sync'],
  admin: ['db', 'sync', 'accounts'],
  connectors: ['db'],
  conversations: ['db', 'sync', 'accounts', 'connectors'],
  outbound: ['db', 'sync', 'connectors'],
  analysis: ['db', 'connectors'],
  // suggested replies and summaries over the hub's database (scope from sync); its eval reads import files and embeds with analysis' encoder
  assist: ['db', 'sync', 'connectors', 'analysis'],
  metrics: ['db', 'sync', 'routing'],
  routing: ['db', 'sync'],
  supervisor: ['db', 'sync', 'metrics', 'routing'],
  // customer profiles: merges with undo, merge suggestions
  customers: ['db', 'sync'],
  demo: ['db', 'sync', 'accounts', 'connectors', 'conversations', 'routing', 'quality'],
  // approvals for public replies (issue 15): rules, the reply's hook, decisions, the approvers' queue
  approvals: ['db', 'sync'],
  // crisis and spike detection (issue 15): alerts kept in the database; its eval replays import files through analysis
  spikes: ['db', 'connectors', 'analysis'],
  // volume forecast and required agents (issue 15); its eval reads import files
  // schedules, adherence, staffing on the Floor (issue 15): shifts in the database; local times read with routing's zone clock
  staffing: ['db', 'connectors', 'analysis', 'routing'],
  // quality review (issue 15): each resolve's automatic score (measured in routing's SLA calendars), reviews beside it
  quality: ['db', 'sync', 'routing'],
  // health checks, readiness and Prometheus metrics: what it reads of the others comes in as arguments (modules.ts)
  ops: ['db'],
};
/** What every module may import from api/: the module contract. api/server.ts is the composition's. */
const CONTRACT = new Set(['hub/api/module', 'hub/api/errors', 'hub/api/route']);
/** The composition: the hub's root files and CLI commands may import any module; no module imports them. */
const COMPOSITION = new Set(['hub/hub', 'hub/index', 'hub/cli', 'hub/modules']);

const noExt = (p) => p.replace(/\.(ts|tsx|mjs|js)$/, '');

function where(rel) {
  const parts = rel.split('/');
  if (parts[0] !== 'hub') return null;
  if (parts.length === 2 || parts[1] === 'commands') return { module: null, file: noExt(rel) };
  return { module: parts[1], file: noExt(rel) };
}

export const hubModulesRule = {
  meta: { type: 'problem', docs: { description: 'hub modules import only the modules listed in HUB_MODULES' }, schema: [] },
  create(context) {
    const root = context.cwd;
    const from = path.relative(root, context.filename).split(path.sep).join('/');
    if (/\.test\.tsx?$/.test(from)) return {}; // tests wire modules together
    const me = where(from);
    const check = (node, spec) => {
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const target = path.relative(root, path.resolve(path.dirname(context.filename), spec)).split(path.sep).join('/');
      // source never imports test or benchmark helpers
      if (/^(testing|bench)\//.test(target) && !/^(testing|bench|e2e)\//.test(from)) {
        context.report({ node, message: `${target.split('/')[0]}/ holds test and benchmark helpers: source must not import it` });
        return;
      }
      if (!me || me.module === null) return;
      const to = where(target);
      if (!to || to.module === me.module) return;
      if (to.module === null || COMPOSITION.has(to.file)) {
        context.report({ node, message: `hub/${me.module} must not import the hub's composition (${to.file}): take what you need as an argument` });
        return;
      }
      if (to.module === 'api' && CONTRACT.has(to.file)) return;
      const allowed = HUB_MODULES[me.module];
      if (!allowed) {
        context.report({ node, message: `hub/${me.module} is not in HUB_MODULES (scripts/lint/hub-modules.js): add it with the modules it may import` });
        return;
      }
      if (!allowed.includes(to.module)) {
        context.report({ node, message: `hub/${me.module} may import only ${[...allowed, 'api/module', 'api/errors', 'api/route'].join(', ')} (hub/README.md "Modules"), not ${to.file}` });
      }
    };
    return {
      ImportDeclaration: (n) => check(n, n.source.value),
      ExportNamedDeclaration: (n) => n.source && check(n, n.source.value),
      ExportAllDeclaration: (n) => check(n, n.source.value),
      ImportExpression: (n) => n.source.type === 'Literal' && check(n, n.source.value),
    };
  },
};
