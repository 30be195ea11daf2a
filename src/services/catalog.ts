/**
 * The imported catalog as the API shows it: teams (with their services and the Slack settings in
 * force), services, targets, strategies with the environments they run through; and the one
 * thing people change here, a team's Slack override.
 */
import type { Clock } from '../core/clock.ts';
import { NotFoundError } from '../core/errors.ts';
import type { EnvironmentPolicy, Service, Target } from '../core/types.ts';
import * as catalog from '../store/catalog.ts';
import type { Db } from '../store/db.ts';
import type { AuditService, Caller } from './audit.ts';
import { authorize } from './auth.ts';

export interface TeamDto extends catalog.TeamRecord {
  /** The names of the team's services. */
  services: string[];
}

export interface NotificationSettings {
  workspace: string | null;
  channel: string | null;
}

export interface StrategiesDto {
  items: { name: string; environments: string[] }[];
  environments: EnvironmentPolicy[];
}

export interface CatalogService {
  listTeams(): Promise<TeamDto[]>;
  getTeam(name: string): Promise<TeamDto>;
  /** Overrides the team's Slack settings; null for both returns to the catalog's. */
  setNotifications(team: string, settings: NotificationSettings, caller: Caller): Promise<TeamDto>;
  listServices(filter: { team?: string }): Promise<Service[]>;
  listTargets(filter: { channel?: string; environment?: string }): Promise<Target[]>;
  strategies(): Promise<StrategiesDto>;
}

export function createCatalogService(deps: { db: Db; clock: Clock; audit: AuditService }): CatalogService {
  const { db } = deps;

  async function teamsWithServices(name?: string): Promise<TeamDto[]> {
    const [teams, services] = await Promise.all([catalog.listTeams(db, name), catalog.listServices(db)]);
    return teams.map((t) => ({ ...t, services: services.filter((s) => s.team === t.name).map((s) => s.name) }));
  }

  async function getTeam(name: string): Promise<TeamDto> {
    const [team] = await teamsWithServices(name);
    if (!team) throw new NotFoundError(`no team named ${name}`);
    return team;
  }

  return {
    listTeams: () => teamsWithServices(),
    getTeam,
    async setNotifications(team, settings, caller) {
      await getTeam(team);
      const by = authorize(caller.principal, 'teams:configure', { team }).name;
      await db.transaction(async (tx) => {
        await catalog.setTeamNotifications(tx, team, settings, by, deps.clock.now());
        await deps.audit.record(tx, caller, `teams/${team}/notifications`, { ...settings });
      });
      return getTeam(team);
    },
    listServices: (filter) => catalog.listServices(db, filter),
    listTargets: (filter) => catalog.listTargets(db, filter),
    async strategies() {
      const [strategies, environments] = await Promise.all([catalog.listStrategies(db), catalog.listEnvironments(db)]);
      return { items: Object.entries(strategies).map(([name, envs]) => ({ name, environments: envs })), environments };
    },
  };
}
