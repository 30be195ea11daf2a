/**
 * `node scripts/slack-preview.ts`: renders DCP's approval message (the Block Kit the Slack sink
 * posts, from src/integrations/sinks/slack-blocks.ts) as Slack shows it, roughly, and screenshots
 * it with the system's Chromium to docs/screenshots/slack-approval.png for the README. A preview
 * of the real blocks, not a copy of Slack: section, fields, context and actions are what DCP
 * uses, and all this renders.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { approvalMessage, type Block } from '../src/integrations/sinks/slack-blocks.ts';
import type { SlackDeployment } from '../src/integrations/sinks/slack.ts';

const OUT = fileURLToPath(new URL('../docs/screenshots/slack-approval.png', import.meta.url));

const html = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
/** Slack mrkdwn (already escaped by the sink) to HTML: links, *bold*, `code`, newlines. */
function mrkdwn(text: string): string {
  return text
    .replace(/<([^|>]+)\|([^>]+)>/g, '<a href="$1">$2</a>')
    .replace(/\*([^*\n]+)\*/g, '<b>$1</b>')
    .replace(/`([^`\n]+)`/g, '<code>$1</code>')
    // Slack draws emoji as images; the system's fonts have none of them: left out of the preview.
    .replace(/:[a-z_]+: ?/g, '')
    .replaceAll('\n', '<br>');
}

function render(block: Block): string {
  const b = block as any;
  switch (block.type) {
    case 'section':
      return `<div class="section">${b.text ? `<div>${mrkdwn(b.text.text)}</div>` : ''}${b.fields ? `<div class="fields">${b.fields.map((f: any) => `<div>${mrkdwn(f.text)}</div>`).join('')}</div>` : ''}</div>`;
    case 'context':
      return `<div class="context">${b.elements.map((e: any) => mrkdwn(e.text)).join(' ')}</div>`;
    case 'actions':
      return `<div class="actions">${b.elements.map((e: any) => `<button class="${e.style ?? ''}">${html(e.text.text)}</button>`).join('')}</div>`;
    default:
      return '';
  }
}

const deployment: SlackDeployment = {
  id: '01JH8ZK3Q4W5', team: 'payments', channel: '#payments-deploys', service: 'ledger-worker', version: '1.42.0', status: 'Running', statusDetail: '',
  url: 'https://dcp.example.com/deployments/01JH8ZK3Q4W5',
  phases: [{
    id: 'p-prod', environment: 'prod', isGov: false, status: 'AwaitingPrerequisites',
    statusDetail: 'Waiting for 1 more approval (team); change case CHG0030142 to be scheduled-approved',
    approvals: { required: 1, approvers: ['team'], given: [], met: false, rejectedBy: null }, releases: [],
  }],
};
const message = approvalMessage(deployment, deployment.phases[0]);
const page = `<!doctype html><meta charset="utf-8"><style>
  body { font: 15px/1.47 -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: #1d1c1d; margin: 0; padding: 20px; background: #fff; width: 640px; }
  .channel { color: #616061; font-size: 13px; border-bottom: 1px solid #ddd; padding-bottom: 8px; margin-bottom: 12px; }
  .msg { display: flex; gap: 10px; } .avatar { width: 36px; height: 36px; border-radius: 6px; background: #3b5bdb; color: #fff; font-weight: 700; display: grid; place-items: center; flex: none; }
  .who b { margin-right: 6px; } .app { background: #e8e8e8; font-size: 10px; padding: 1px 4px; border-radius: 2px; color: #616061; } .time { color: #616061; font-size: 12px; margin-left: 6px; }
  .section { margin: 6px 0; } .fields { display: grid; grid-template-columns: 1fr 1fr; gap: 8px 16px; }
  .context { color: #616061; font-size: 12px; margin: 6px 0; } a { color: #1264a3; text-decoration: none; }
  code { font: 12px monospace; background: #f6f6f6; border: 1px solid #ddd; border-radius: 3px; padding: 0 3px; color: #e01e5a; }
  .actions { display: flex; gap: 8px; margin: 10px 0; } button { font: 700 14px sans-serif; padding: 6px 14px; border-radius: 4px; border: 1px solid #bbb; background: #fff; }
  button.primary { background: #007a5a; color: #fff; border-color: #007a5a; } button.danger { color: #e01e5a; border-color: #e01e5a; }
</style><div class="channel"># payments-deploys</div><div class="msg"><div class="avatar">D</div><div>
  <div class="who"><b>DCP</b><span class="app">APP</span><span class="time">10:42 AM</span></div>
  ${message.blocks.map(render).join('\n')}
</div></div>`;

const browser = await chromium.launch({ executablePath: process.env.DCP_TEST_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
try {
  const tab = await browser.newPage({ viewport: { width: 680, height: 200 }, deviceScaleFactor: 2 });
  await tab.setContent(page);
  await tab.screenshot({ path: OUT, fullPage: true });
  console.log(`wrote ${path.relative(process.cwd(), OUT)}`);
} finally {
  await browser.close();
}
