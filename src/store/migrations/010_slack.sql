-- Slack (contract §10, docs/integrations/slack.md): the messages DCP posted about each deployment,
-- and the teams whose channel DCP cannot post to.
--
-- A deployment's first message is the root of its thread (the row with the lowest id); every
-- later one is a reply in that thread. An approval message (kind `approval`, one per phase) is
-- updated in place when the phase is decided or goes on. `event_id` is the event that made the
-- message: a repeat of that event (delivery is at least once) finds it here and posts nothing.
CREATE TABLE slack_messages (
  id            bigserial PRIMARY KEY,
  deployment_id text NOT NULL,
  phase_id      text,
  kind          text NOT NULL CHECK (kind IN ('approval', 'failure', 'end')),
  channel       text NOT NULL,      -- the channel's id, as Slack answered (chat.update needs the id, not the name)
  ts            text NOT NULL,      -- the message's timestamp: its id in the channel
  thread_ts     text,               -- the root's ts for a reply; null for the root
  event_id      text NOT NULL UNIQUE,
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL
);
CREATE INDEX slack_messages_deployment ON slack_messages (deployment_id, id);
CREATE UNIQUE INDEX slack_messages_approval ON slack_messages (deployment_id, phase_id) WHERE kind = 'approval';

-- A team whose channel DCP could not post to, with Slack's error (channel_not_found,
-- not_in_channel, is_archived …); the row goes when a message to the team goes through.
CREATE TABLE slack_channel_status (
  team    text PRIMARY KEY,
  channel text,
  error   text NOT NULL,
  at      timestamptz NOT NULL
);
