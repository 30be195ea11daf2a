/**
 * environments.yaml (contract §2.2): environment policies and strategies. Read through the
 * `Field` readers of ./fields.ts, which record every problem with its file, line and field.
 */
import {
  SEVERITIES,
  type CheckSpec,
  type EnvironmentPolicy,
  type HttpCheckSpec,
  type PrometheusCheckSpec,
  type ScanCheckSpec,
  type WindowSpec,
} from '../core/types.ts';
import type { Field } from './fields.ts';

const ENVIRONMENT_KEYS = ['name', 'gov', 'isGov', 'checks', 'approvals', 'changeCase', 'freezable', 'windows', 'bakeTime'] as const;
const CHECK_TYPES = ['http', 'prometheus', 'scan'] as const;
type CheckType = (typeof CHECK_TYPES)[number];
const CHECK_KEYS: Record<CheckType, readonly string[]> = {
  http: ['name', 'type', 'url', 'expectStatus', 'jsonPath', 'equals', 'timeout'],
  prometheus: ['name', 'type', 'url', 'query', 'op', 'threshold'],
  scan: ['name', 'type', 'maxSeverity'],
};
const CHECK_REQUIRED: Record<CheckType, readonly string[]> = {
  http: ['name', 'type', 'url'],
  prometheus: ['name', 'type', 'url', 'query', 'op', 'threshold'],
  scan: ['name', 'type', 'maxSeverity'],
};
const OPERATORS = ['<', '<=', '>', '>=', '=='] as const;
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const HOURS = /^([01]\d|2[0-3]):([0-5]\d)-(([01]\d|2[0-3]):[0-5]\d|24:00)$/;
const DEFAULT_CHANGE_CASE_TIMEOUT_MS = 14 * 3_600_000;

export interface EnvironmentsFile {
  environments: EnvironmentPolicy[];
  /** strategy -> ordered environment names */
  strategies: Record<string, string[]>;
}

/** An environment as read, with the fields its references are reported at. */
interface ReadEnvironment {
  policy: EnvironmentPolicy;
  nameField: Field;
  govField?: Field;
  /** `bakeTime.environment` */
  bakeTimeField?: Field;
}

export function readEnvironmentsFile(root: Field): EnvironmentsFile {
  const top = root.mapping(['environments', 'strategies'], ['environments', 'strategies']);
  const listField = top?.get('environments');
  const items = listField?.list();
  if (listField && items?.length === 0) listField.problem('expected at least one environment');
  const byName = new Map<string, ReadEnvironment>();
  for (const read of (items ?? []).flatMap((item) => readEnvironment(item) ?? [])) {
    const first = byName.get(read.policy.name);
    if (first) read.nameField.problem(`duplicate environment "${read.policy.name}": already defined at ${first.nameField.where}`);
    else byName.set(read.policy.name, read);
  }
  for (const read of byName.values()) checkReferences(read, byName);
  const strategiesField = top?.get('strategies');
  const strategies = strategiesField ? readStrategies(strategiesField, byName) : {};
  for (const read of byName.values()) checkBakeTimeOrder(read, byName, strategies);
  return { environments: [...byName.values()].map((read) => read.policy), strategies };
}

function readEnvironment(item: Field): ReadEnvironment | undefined {
  const entries = item.mapping(ENVIRONMENT_KEYS, ['name']);
  if (!entries) return undefined;
  const nameField = entries.get('name');
  const name = nameField?.name('environment');
  const policy: EnvironmentPolicy = {
    name: name ?? '',
    isGov: entries.get('isGov')?.bool() ?? false,
    checks: readChecks(entries.get('checks')),
    freezable: entries.get('freezable')?.bool() ?? false,
  };
  const govField = entries.get('gov');
  const gov = govField?.text();
  if (gov !== undefined) policy.gov = gov;
  const approvals = entries.get('approvals');
  if (approvals) policy.approvals = readApprovals(approvals);
  const changeCase = entries.get('changeCase');
  if (changeCase) policy.changeCase = readChangeCase(changeCase);
  const windows = entries.get('windows');
  if (windows) policy.windows = readWindows(windows);
  const bakeTime = entries.get('bakeTime');
  const [bakeTimeValue, bakeTimeField] = bakeTime ? readBakeTime(bakeTime) : [];
  if (bakeTimeValue) policy.bakeTime = bakeTimeValue;
  if (!nameField || name === undefined) return undefined;
  return { policy, nameField, govField, bakeTimeField };
}

/** `gov` must name an isGov environment; `bakeTime.environment` an existing other environment. */
function checkReferences(read: ReadEnvironment, byName: Map<string, ReadEnvironment>): void {
  const { policy, govField, bakeTimeField } = read;
  const known = [...byName.keys()].join(', ');
  if (govField && policy.gov !== undefined) {
    const gov = byName.get(policy.gov);
    if (policy.isGov) govField.problem('a GOV environment (isGov: true) cannot have a gov counterpart');
    else if (!gov) govField.problem(`unknown environment "${policy.gov}": expected one of ${known}`);
    else if (!gov.policy.isGov) govField.problem(`environment "${policy.gov}" is not a GOV environment: a gov counterpart needs isGov: true`);
  }
  const bakeTarget = policy.bakeTime?.environment;
  if (bakeTarget !== undefined && bakeTimeField) {
    if (bakeTarget === policy.name) bakeTimeField.problem('bakeTime must name an earlier environment, not the environment itself');
    else if (!byName.has(bakeTarget)) bakeTimeField.problem(`unknown environment "${bakeTarget}": expected one of ${known}`);
  }
}

/**
 * The order in which a strategy's phases run, as core/planner.ts plans them: the strategy's
 * environments, then the GOV counterparts after all of them, in their (first) counterparts' order.
 */
function phaseOrder(strategy: readonly string[], byName: Map<string, ReadEnvironment>): string[] {
  const govs: string[] = [];
  for (const name of strategy) {
    const gov = byName.get(name)?.policy.gov;
    if (gov !== undefined && !govs.includes(gov)) govs.push(gov);
  }
  return [...strategy, ...govs];
}

/**
 * A bake time counts from the completion of the phase it names (core/gates.ts), so that phase
 * must run before this one wherever both are planned; one that runs later, or never before this
 * one, leaves the phase waiting forever with no timer. Hence: a commercial environment cannot
 * bake on a GOV one (GOV phases run after every commercial phase), and in every strategy that
 * plans both, the named environment must come first. A strategy without it is fine: there the
 * bake time does not apply (contract §2.2).
 */
function checkBakeTimeOrder(read: ReadEnvironment, byName: Map<string, ReadEnvironment>, strategies: Record<string, string[]>): void {
  const { policy, bakeTimeField } = read;
  const bakeOn = policy.bakeTime ? byName.get(policy.bakeTime.environment) : undefined;
  if (!bakeTimeField || !bakeOn || bakeOn === read) return; // unknown or self: reported by checkReferences
  const name = bakeOn.policy.name;
  if (bakeOn.policy.isGov && !policy.isGov) {
    bakeTimeField.problem(
      `"${name}" is a GOV environment: GOV phases run after every commercial phase, so "${policy.name}" would wait for it forever; bake on an earlier commercial environment`,
    );
    return;
  }
  for (const [strategy, environments] of Object.entries(strategies)) {
    const order = phaseOrder(environments, byName);
    const self = order.indexOf(policy.name);
    const other = order.indexOf(name);
    if (self >= 0 && other > self) {
      bakeTimeField.problem(`"${name}" runs after "${policy.name}" in strategy "${strategy}": the phase would wait for it forever; bake on an environment that runs earlier`);
      return;
    }
  }
}

function readChecks(field: Field | undefined): CheckSpec[] {
  const names = new Map<string, Field>();
  const checks: CheckSpec[] = [];
  for (const item of field?.list() ?? []) {
    const [check, nameField] = readCheck(item) ?? [];
    if (!check || !nameField) continue;
    const first = names.get(check.name);
    if (first) nameField.problem(`duplicate check name "${check.name}" in this environment: already used by ${first.path.replace(/\.name$/, '')}`);
    else names.set(check.name, nameField);
    checks.push(check);
  }
  return checks;
}

function readCheck(item: Field): [CheckSpec, Field] | undefined {
  const type = CHECK_TYPES.find((candidate) => candidate === item.peek('type'));
  if (type === undefined) {
    // Only the type is reported: which other keys belong depends on it.
    const typeField = item.mapping(null, ['type'])?.get('type');
    typeField?.problem(`unknown check type ${typeField.shown}: expected one of ${CHECK_TYPES.join(', ')}`);
    return undefined;
  }
  const entries = item.mapping(CHECK_KEYS[type], CHECK_REQUIRED[type]);
  if (!entries) return undefined;
  const nameField = entries.get('name');
  const name = nameField?.text();
  const check = type === 'http' ? readHttpCheck(entries) : type === 'prometheus' ? readPrometheusCheck(entries) : readScanCheck(entries);
  return name === undefined || !nameField || check === undefined ? undefined : [{ ...check, name }, nameField];
}

function readHttpCheck(entries: Map<string, Field>): Omit<HttpCheckSpec, 'name'> | undefined {
  const url = readUrl(entries.get('url'));
  const expectStatus = entries.get('expectStatus')?.integer(100, 599);
  const jsonPathField = entries.get('jsonPath');
  const jsonPath = jsonPathField?.text();
  if (jsonPathField && jsonPath !== undefined && !jsonPath.startsWith('$')) jsonPathField.problem(`expected a JSON path starting with "$" (such as "$.status"), got ${jsonPathField.shown}`);
  const equalsField = entries.get('equals');
  const equals = equalsField?.scalarValue();
  if (jsonPathField && !equalsField) jsonPathField.problem('jsonPath needs "equals": the value the JSON path must have');
  if (equalsField && !jsonPathField) equalsField.problem('equals needs "jsonPath": where in the JSON response to look');
  const timeoutMs = entries.get('timeout')?.duration();
  if (url === undefined) return undefined;
  const check: Omit<HttpCheckSpec, 'name'> = { type: 'http', url };
  if (expectStatus !== undefined) check.expectStatus = expectStatus;
  if (jsonPath !== undefined) check.jsonPath = jsonPath;
  if (equalsField && equals !== undefined) check.equals = equals;
  if (timeoutMs !== undefined) check.timeoutMs = timeoutMs;
  return check;
}

function readPrometheusCheck(entries: Map<string, Field>): Omit<PrometheusCheckSpec, 'name'> | undefined {
  const url = readUrl(entries.get('url'));
  const query = entries.get('query')?.text();
  const op = entries.get('op')?.oneOf(OPERATORS);
  const threshold = entries.get('threshold')?.number();
  if (url === undefined || query === undefined || op === undefined || threshold === undefined) return undefined;
  return { type: 'prometheus', url, query, op, threshold };
}

function readScanCheck(entries: Map<string, Field>): Omit<ScanCheckSpec, 'name'> | undefined {
  const maxSeverity = entries.get('maxSeverity')?.oneOf(SEVERITIES);
  return maxSeverity === undefined ? undefined : { type: 'scan', maxSeverity };
}

function readUrl(field: Field | undefined): string | undefined {
  const url = field?.text();
  if (!field || url === undefined) return undefined;
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    field.problem(`expected an http(s) URL, got ${field.shown}`);
    return undefined;
  }
  return url;
}

function readApprovals(field: Field): EnvironmentPolicy['approvals'] {
  const entries = field.mapping(['required', 'approvers', 'allowSelfApproval'], ['required', 'approvers']);
  const required = entries?.get('required')?.integer(1);
  const approversField = entries?.get('approvers');
  const approvers = approversField?.texts();
  if (approversField && approvers?.length === 0) approversField.problem('expected at least one approver');
  for (const item of approversField?.list() ?? []) {
    const text = item.text();
    if (text !== undefined && !/^(team|(group|user):[^\s:]+)$/.test(text)) {
      item.problem(`expected an approver as "team" (the owning team's members), "group:NAME" or "user:NAME", got ${item.shown}`);
    }
  }
  const selfField = entries?.get('allowSelfApproval');
  const allowSelfApproval = selfField?.bool();
  if (required === undefined || approvers === undefined) return undefined;
  return allowSelfApproval === undefined ? { required, approvers } : { required, approvers, allowSelfApproval };
}

function readChangeCase(field: Field): EnvironmentPolicy['changeCase'] {
  const entries = field.mapping(['required', 'timeout'], ['required']);
  const required = entries?.get('required')?.bool();
  const timeout = entries?.get('timeout');
  const timeoutMs = timeout ? timeout.duration() : DEFAULT_CHANGE_CASE_TIMEOUT_MS;
  return required === undefined || timeoutMs === undefined ? undefined : { required, timeoutMs };
}

function readWindows(field: Field): WindowSpec[] | undefined {
  const items = field.list();
  if (items?.length === 0) field.problem('expected at least one window (leave "windows" out for no restriction)');
  const windows = items?.map(readWindow);
  return windows?.every((window) => window !== undefined) ? windows : undefined;
}

function readWindow(item: Field): WindowSpec | undefined {
  const entries = item.mapping(['timezone', 'days', 'hours'], ['timezone', 'days', 'hours']);
  const timezone = readTimezone(entries?.get('timezone'));
  const days = readDays(entries?.get('days'));
  const hoursField = entries?.get('hours');
  let hours = hoursField?.text();
  const match = hours === undefined ? null : HOURS.exec(hours);
  if (hoursField && hours !== undefined && (!match || hours.slice(0, 5) === hours.slice(6))) {
    hoursField.problem(`expected hours as "HH:MM-HH:MM" (such as "06:00-16:00"), got ${hoursField.shown}`);
    hours = undefined;
  }
  return timezone === undefined || days === undefined || hours === undefined ? undefined : { timezone, days, hours };
}

function readTimezone(field: Field | undefined): string | undefined {
  const timezone = field?.text();
  if (!field || timezone === undefined) return undefined;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return timezone;
  } catch {
    field.problem(`unknown time zone ${field.shown}: expected an IANA zone such as America/Los_Angeles or UTC`);
    return undefined;
  }
}

function readDays(field: Field | undefined): string[] | undefined {
  const items = field?.list();
  if (!field || !items) return undefined;
  if (items.length === 0) field.problem(`expected at least one day of ${DAYS.join(', ')}`);
  const days: string[] = [];
  for (const item of items) {
    const day = item.oneOf(DAYS);
    if (day !== undefined && days.includes(day)) item.problem(`day "${day}" is listed twice`);
    else if (day !== undefined) days.push(day);
  }
  return days.length === items.length && days.length > 0 ? days : undefined;
}

/** The bake time and its `environment` field (whose reference is checked once all environments are known). */
function readBakeTime(field: Field): [EnvironmentPolicy['bakeTime'], Field | undefined] {
  const entries = field.mapping(['environment', 'duration'], ['environment', 'duration']);
  const environmentField = entries?.get('environment');
  const environment = environmentField?.text();
  const durationMs = entries?.get('duration')?.duration();
  return [environment === undefined || durationMs === undefined ? undefined : { environment, durationMs }, environmentField];
}

/** Each strategy: a non-empty list of distinct, existing, non-GOV environments. */
function readStrategies(field: Field, byName: Map<string, ReadEnvironment>): Record<string, string[]> {
  const strategies: Record<string, string[]> = {};
  for (const strategy of field.entries() ?? []) {
    if (!strategy.keyName('strategy')) continue;
    const items = strategy.list();
    if (items?.length === 0) strategy.problem('expected at least one environment');
    const names: string[] = [];
    for (const item of items ?? []) {
      const name = item.text();
      if (name === undefined) continue;
      const environment = byName.get(name);
      if (!environment) item.problem(`unknown environment "${name}": expected one of ${[...byName.keys()].join(', ')}`);
      else if (environment.policy.isGov) item.problem(`"${name}" is a GOV environment: strategies list commercial environments, GOV phases come from their "gov" counterparts`);
      else if (names.includes(name)) item.problem(`environment "${name}" is listed twice in strategy "${strategy.key}"`);
      names.push(name);
    }
    strategies[strategy.key] = names;
  }
  return strategies;
}
