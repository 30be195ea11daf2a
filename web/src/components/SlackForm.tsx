/** A team's Slack settings: where they come from, and a form to override them. */
import { useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import { forget } from '../catalog.ts';
import type { NotificationSettings, Team } from '../types.ts';
import { useAction } from '../useAction.ts';
import { btn, buttonRow } from './Button.tsx';
import { ErrorNote, Note } from './ErrorNote.tsx';
import { layout } from './Page.tsx';
import styles from './SlackForm.module.css';
import { Field, fieldStyles } from './Field.tsx';
import { Time } from './Time.tsx';

export function SlackForm({ team, onSaved }: { team: Team; onSaved: (team: Team) => void }) {
  const n = team.notifications;
  const [workspace, setWorkspace] = useState(n.workspace ?? '');
  const [channel, setChannel] = useState(n.channel ?? '');
  const [saved, setSaved] = useState(false);
  const save = useAction(async (body: NotificationSettings) => {
    setSaved(false);
    const updated = await api.saveNotifications(team.name, body);
    forget('teams');
    setWorkspace(updated.notifications.workspace ?? '');
    setChannel(updated.notifications.channel ?? '');
    setSaved(true);
    onSaved(updated);
  });
  const errors = save.fieldErrors;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save.run({ workspace: workspace.trim() || null, channel: channel.trim() || null });
  };

  return (
    <section className={layout.panel} aria-labelledby="slack-title">
      <h2 id="slack-title">Slack notifications</h2>
      <p className="small" data-testid="slack-source">
        {n.source === 'override' ? (
          <>
            Overridden in the app{n.updatedBy && <> by {n.updatedBy}</>}
            {n.updatedAt && (
              <>
                {' '}
                on <Time iso={n.updatedAt} />
              </>
            )}
            .
          </>
        ) : (
          <>From the catalog{team.slack.channel ? '' : ' (nothing set there)'}.</>
        )}{' '}
        Now: {n.channel ? <strong>{`${n.workspace ?? '—'} ${n.channel}`}</strong> : <span className="muted">no channel — failures are not sent to Slack</span>}
      </p>
      {team.slack.error && (
        <Note tone="error">
          <span data-testid="slack-error">
            DCP cannot post to {n.channel ?? 'the channel'}: Slack answered <code>{team.slack.error}</code>
            {team.slack.errorAt && (
              <>
                {' '}
                (<Time iso={team.slack.errorAt} />)
              </>
            )}
            . Invite DCP&rsquo;s Slack app to the channel, or set another one here.
          </span>
        </Note>
      )}
      <form onSubmit={submit} className={styles.form} noValidate>
        <div className={fieldStyles.grid2}>
          <Field label="Slack workspace" error={errors.workspace}>
            <input type="text" value={workspace} onChange={(e) => setWorkspace(e.target.value)} placeholder="acme" />
          </Field>
          <Field label="Slack channel" error={errors.channel}>
            <input type="text" value={channel} onChange={(e) => setChannel(e.target.value)} placeholder="#team-deploys" />
          </Field>
        </div>
        <ErrorNote error={save.error} />
        {saved && (
          <Note tone="ok">
            Saved. Notifications go to {n.channel ? `${n.workspace ?? ''} ${n.channel}` : 'no channel'}.
          </Note>
        )}
        <div className={buttonRow}>
          <button type="submit" className={btn('primary')} disabled={save.busy}>
            Save
          </button>
          {n.source === 'override' && (
            <button type="button" className={btn('ghost')} disabled={save.busy} onClick={() => save.run({ workspace: null, channel: null })}>
              Use the catalog’s settings
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
