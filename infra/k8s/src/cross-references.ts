import { ConfigError, loadConfig } from '@restock/config';
import type { TObject } from '@sinclair/typebox';
import { resolveContainerEnv } from './container-env.js';
import {
  type Container,
  type Deployment,
  type HorizontalPodAutoscaler,
  type K8sObject,
  type KafkaTopic,
  type NetworkPolicy,
  type NetworkPolicyPeer,
  objectsOfKind,
  type PodDisruptionBudget,
  type PodMonitor,
  type Service,
  type ServiceAccount,
  selectorMatches,
} from './k8s-types.js';
import { requiredVariables, type ServiceFacts } from './service-facts.js';
import type { TopicSpec } from './topic-manifests.js';
import { INFRASTRUCTURE_DEPLOYMENTS, type ServiceTopology, TOPOLOGY, topicsOf } from './topology.js';

/** What an overlay's objects are checked against. */
export interface OverlayContext {
  overlay: string;
  /** Every folder under services/, by folder name. */
  services: ReadonlyMap<string, ServiceFacts>;
  /** The topic catalogue (`allTopicSpecs()`). */
  topicSpecs: readonly TopicSpec[];
  /** closeOnSignals' default drain, ms. */
  drainMs: number;
  /** Whether every image must carry an explicit tag (released overlays). */
  requireImageTags: boolean;
}

const TOPIC_NAME = /^[a-z][a-z0-9-]*\.v\d+(\.dlq)?$/;
const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];
const MONITORING_NAMESPACE = 'monitoring';
const INGRESS_NAMESPACE = 'ingress-nginx';

/**
 * Checks the cross-references of one rendered overlay: services and their folders, environment
 * against each service's config, probes against its routes, ports against package.json, topics
 * against the catalogue, replicas against partitions, network flows against the architecture,
 * and the references between objects. Returns every problem found; none means the overlay is sound.
 */
export function checkOverlay(objects: readonly K8sObject[], context: OverlayContext): string[] {
  const problems: string[] = [];
  const report = (subject: string, message: string) => problems.push(`${context.overlay}: ${subject}: ${message}`);
  const deployments = objectsOfKind<Deployment>(objects, 'Deployment');
  const deployed = new Set(deployments.map((deployment) => deployment.metadata.name));

  checkServiceFolders(deployments, context, report);
  const topics = checkTopics(objects, context, report);

  for (const deployment of deployments) {
    const name = deployment.metadata.name;
    checkPodHardening(deployment, objects, context, report);
    if ((INFRASTRUCTURE_DEPLOYMENTS as readonly string[]).includes(name)) continue;
    const facts = context.services.get(name);
    const topology = TOPOLOGY[name];
    if (facts === undefined || topology === undefined) continue;
    const container = deployment.spec.template.spec.containers.find((candidate) => candidate.name === name);
    if (container === undefined) {
      report(`Deployment/${name}`, `no container named ${name}`);
      continue;
    }
    const subject = `Deployment/${name}`;
    checkServiceContainer(deployment, container, facts, topology, objects, context, topics, (message) =>
      report(subject, message),
    );
    checkNetworkPolicies(deployment, facts, topology, objects, context, deployed, (message) =>
      report(subject, message),
    );
  }

  checkObjectReferences(objects, deployments, report);
  return problems;
}

type Report = (subject: string, message: string) => void;

function checkServiceFolders(deployments: Deployment[], context: OverlayContext, report: Report): void {
  const names = new Set(deployments.map((deployment) => deployment.metadata.name));
  for (const name of names) {
    if ((INFRASTRUCTURE_DEPLOYMENTS as readonly string[]).includes(name)) continue;
    if (!context.services.has(name)) report(`Deployment/${name}`, `names a service with no folder services/${name}`);
    else if (TOPOLOGY[name] === undefined) report(`Deployment/${name}`, 'has no entry in src/topology.ts');
  }
  for (const folder of context.services.keys()) {
    const topology = TOPOLOGY[folder];
    if (topology === undefined) {
      report(`services/${folder}`, 'has no entry in src/topology.ts (who it talks to)');
      continue;
    }
    if (!topology.devOnly && !names.has(folder)) report(`services/${folder}`, 'has no Deployment');
    if (topology.devOnly && context.overlay === 'prod' && names.has(folder)) {
      report(`Deployment/${folder}`, 'is development-only and must not be deployed to production');
    }
  }
}

/** Checks the KafkaTopics against the catalogue; returns the partitions of each rendered topic. */
function checkTopics(objects: readonly K8sObject[], context: OverlayContext, report: Report): Map<string, number> {
  const rendered = new Map<string, KafkaTopic>(
    objectsOfKind<KafkaTopic>(objects, 'KafkaTopic').map((topic) => [topic.metadata.name, topic]),
  );
  const kafkaNames = objectsOfKind(objects, 'Kafka').map((kafka) => kafka.metadata.name);
  const partitions = new Map<string, number>();
  for (const spec of context.topicSpecs) {
    const topic = rendered.get(spec.name);
    if (topic === undefined) {
      report(`KafkaTopic/${spec.name}`, 'is in the catalogue but not rendered');
      continue;
    }
    if (topic.spec.partitions !== spec.partitions) {
      report(`KafkaTopic/${spec.name}`, `has ${topic.spec.partitions} partitions, the catalogue ${spec.partitions}`);
    }
    for (const [key, value] of Object.entries(spec.config)) {
      if (String(topic.spec.config?.[key]) !== value) {
        report(`KafkaTopic/${spec.name}`, `${key} is ${String(topic.spec.config?.[key])}, the catalogue ${value}`);
      }
    }
    const cluster = topic.metadata.labels?.['strimzi.io/cluster'];
    if (cluster === undefined || !kafkaNames.includes(cluster)) {
      report(`KafkaTopic/${spec.name}`, `strimzi.io/cluster ${String(cluster)} names no rendered Kafka`);
    }
    partitions.set(spec.name, spec.partitions);
  }
  for (const name of rendered.keys()) {
    if (!context.topicSpecs.some((spec) => spec.name === name)) report(`KafkaTopic/${name}`, 'is not in the catalogue');
  }
  return partitions;
}

function checkServiceContainer(
  deployment: Deployment,
  container: Container,
  facts: ServiceFacts,
  topology: ServiceTopology,
  objects: readonly K8sObject[],
  context: OverlayContext,
  partitions: ReadonlyMap<string, number>,
  report: (message: string) => void,
): void {
  const httpPort = container.ports?.find((port) => port.name === 'http');
  if (httpPort?.containerPort !== facts.port) {
    report(`container port "http" is ${String(httpPort?.containerPort)}, package.json restock.port ${facts.port}`);
  }

  const resolved = resolveContainerEnv(container, objects);
  for (const problem of resolved.problems) report(problem);
  const { env } = resolved;
  if (!env['OTEL_SERVICE_NAME']) {
    report('OTEL_SERVICE_NAME is not set (the telemetry preload needs it outside `pnpm start`)');
  }

  let parsed: Record<string, unknown> = {};
  for (const schema of facts.configSchemas) {
    for (const variable of requiredVariables(schema)) {
      if (env[variable] === undefined || env[variable] === '')
        report(`${variable} is required by src/config.ts but not set`);
    }
    try {
      parsed = { ...parsed, ...(loadConfig(schema, env) as Record<string, unknown>) };
    } catch (error) {
      report(`src/config.ts refuses the environment: ${describe(error)}`);
    }
  }
  for (const loader of facts.configLoaders) {
    try {
      loader.load(env);
    } catch (error) {
      report(`${loader.name} refuses the environment: ${describe(error)}`);
    }
  }

  checkListening(facts, parsed, report);
  checkProbes(container, facts, report);

  const drainMs = typeof parsed['SHUTDOWN_TIMEOUT_MS'] === 'number' ? parsed['SHUTDOWN_TIMEOUT_MS'] : context.drainMs;
  const preStopMs = (container.lifecycle?.preStop?.sleep?.seconds ?? 0) * 1000;
  const graceMs = (deployment.spec.template.spec.terminationGracePeriodSeconds ?? 30) * 1000;
  if (graceMs <= drainMs + preStopMs) {
    report(
      `terminationGracePeriodSeconds ${graceMs / 1000} s does not outlast preStop + drain (${(preStopMs + drainMs) / 1000} s)`,
    );
  }

  // Topics: every topic-like value of its config and every topic of its topology exists as a KafkaTopic.
  const declared = new Set(topicsOf(topology));
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== 'string' || !TOPIC_NAME.test(value)) continue;
    if (!partitions.has(value)) report(`${key}=${value} is not a KafkaTopic`);
    if (!declared.has(value)) report(`${key}=${value} is not in its src/topology.ts entry`);
  }
  for (const topic of declared) {
    if (!partitions.has(topic)) report(`uses ${topic}, which is not a KafkaTopic`);
  }

  checkReplicas(deployment, topology, objects, partitions, report);
  checkClientLabels(deployment, facts, report);

  const podLabels = deployment.spec.template.metadata.labels;
  const budgets = objectsOfKind<PodDisruptionBudget>(objects, 'PodDisruptionBudget');
  if (!budgets.some((budget) => selectorMatches(budget.spec.selector, podLabels))) report('no PodDisruptionBudget');

  const monitors = objectsOfKind<PodMonitor>(objects, 'PodMonitor').filter((monitor) =>
    selectorMatches(monitor.spec.selector, podLabels),
  );
  if (facts.metricsPath === undefined) {
    if (monitors.length > 0) report('a PodMonitor scrapes it, but the service mounts no metrics route');
  } else {
    const endpoint = monitors.flatMap((monitor) => monitor.spec.podMetricsEndpoints ?? []);
    const scraped = endpoint.some(
      (e) => e.path === facts.metricsPath && container.ports?.some((port) => port.name === e.port) === true,
    );
    if (!scraped) report(`no PodMonitor scrapes ${facts.metricsPath} on a named container port`);
  }

  if (topology.door) {
    const services = objectsOfKind<Service>(objects, 'Service').filter((service) =>
      selectorMatches({ matchLabels: service.spec.selector ?? {} }, podLabels),
    );
    if (services.length === 0) report('is an HTTP door but no Service selects it');
  }
}

function checkListening(facts: ServiceFacts, parsed: Record<string, unknown>, report: (message: string) => void): void {
  const schemaProperties = facts.configSchemas.flatMap((schema: TObject) => Object.entries(schema.properties));
  const portKeys = schemaProperties
    .filter(([key, property]) => /PORT$/.test(key) && property['default'] === facts.port)
    .map(([key]) => key);
  if (portKeys.length === 0) report(`src/config.ts has no port variable defaulting to restock.port ${facts.port}`);
  for (const key of portKeys) {
    if (parsed[key] !== facts.port) report(`${key} resolves to ${String(parsed[key])}, not restock.port ${facts.port}`);
  }
  for (const [key] of schemaProperties.filter(([key]) => /(^|_)HOST$/.test(key))) {
    if (parsed[key] !== '0.0.0.0') {
      report(`${key} resolves to ${String(parsed[key])}: it must listen on 0.0.0.0 for probes and the Service`);
    }
  }
}

function checkProbes(container: Container, facts: ServiceFacts, report: (message: string) => void): void {
  const probes = {
    livenessProbe: container.livenessProbe,
    readinessProbe: container.readinessProbe,
    startupProbe: container.startupProbe,
  };
  for (const [kind, probe] of Object.entries(probes)) {
    if (probe === undefined) {
      if (kind !== 'startupProbe') report(`no ${kind}`);
      continue;
    }
    const get = probe.httpGet;
    if (get === undefined) {
      report(`${kind} is not an HTTP probe on the health routes`);
      continue;
    }
    if (get.path === undefined || !facts.healthPaths.includes(get.path)) {
      const served = facts.healthPaths.length === 0 ? 'none' : facts.healthPaths.join(', ');
      report(`${kind} path ${String(get.path)} is not one of the health routes the service serves (${served})`);
    }
    const portOk =
      get.port === facts.port ||
      container.ports?.some((port) => port.name === get.port && port.containerPort === facts.port) === true;
    if (!portOk) report(`${kind} port ${String(get.port)} is not restock.port ${facts.port}`);
  }
  if (container.livenessProbe?.httpGet?.path === '/health/ready') {
    report('livenessProbe uses readiness: a dependency outage would restart every pod');
  }
}

function checkReplicas(
  deployment: Deployment,
  topology: ServiceTopology,
  objects: readonly K8sObject[],
  partitions: ReadonlyMap<string, number>,
  report: (message: string) => void,
): void {
  const name = deployment.metadata.name;
  const autoscaler = objectsOfKind<HorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler').find(
    (hpa) => hpa.spec.scaleTargetRef.kind === 'Deployment' && hpa.spec.scaleTargetRef.name === name,
  );
  if (autoscaler !== undefined && deployment.spec.replicas !== undefined) {
    report('sets replicas although an HPA scales it (every apply would reset the count)');
  }
  const most = autoscaler?.spec.maxReplicas ?? deployment.spec.replicas ?? 1;
  for (const topic of topology.consumes) {
    const count = partitions.get(topic);
    if (count !== undefined && most > count) {
      report(
        `${autoscaler === undefined ? 'replicas' : 'HPA maxReplicas'} ${most} exceed the ${count} partitions of ${topic} it consumes`,
      );
    }
  }
}

function checkClientLabels(deployment: Deployment, facts: ServiceFacts, report: (message: string) => void): void {
  const labels = deployment.spec.template.metadata.labels ?? {};
  const needs = dependenciesOf(facts);
  for (const [dependency, label] of [
    ['kafka', 'restock.io/kafka-client'],
    ['postgres', 'restock.io/postgres-client'],
    ['redis', 'restock.io/redis-client'],
  ] as const) {
    const has = labels[label] === 'true';
    if (needs.has(dependency) !== has) {
      report(
        `${label} is ${has ? 'set' : 'missing'} but the service ${needs.has(dependency) ? 'uses' : 'does not use'} ${dependency}`,
      );
    }
  }
}

/** Kafka, PostgreSQL and Redis, as the service's config names them. */
function dependenciesOf(facts: ServiceFacts): Set<'kafka' | 'postgres' | 'redis'> {
  const keys = new Set(facts.configSchemas.flatMap((schema) => Object.keys(schema.properties)));
  const needs = new Set<'kafka' | 'postgres' | 'redis'>();
  if (keys.has('KAFKA_BROKERS')) needs.add('kafka');
  if (keys.has('DATABASE_URL')) needs.add('postgres');
  if (keys.has('REDIS_URL')) needs.add('redis');
  return needs;
}

function checkNetworkPolicies(
  deployment: Deployment,
  facts: ServiceFacts,
  topology: ServiceTopology,
  objects: readonly K8sObject[],
  context: OverlayContext,
  deployed: ReadonlySet<string>,
  report: (message: string) => void,
): void {
  const podLabels = deployment.spec.template.metadata.labels;
  const policies = objectsOfKind<NetworkPolicy>(objects, 'NetworkPolicy').filter((policy) =>
    selectorMatches(policy.spec.podSelector, podLabels),
  );
  if (policies.length === 0) {
    report('no NetworkPolicy selects its pods');
    return;
  }
  const types = new Set(policies.flatMap((policy) => policy.spec.policyTypes ?? []));
  if (!types.has('Ingress') || !types.has('Egress'))
    report('its NetworkPolicies do not restrict both Ingress and Egress');

  // Egress: exactly DNS, OTLP, what its config connects to, Amazon over 443 if it calls Amazon, and the
  // in-namespace workloads it calls when they are deployed.
  const needs = dependenciesOf(facts);
  const required = new Set(['UDP/53']);
  if (needs.has('kafka')) required.add('TCP/9092');
  if (needs.has('postgres')) required.add('TCP/5432');
  if (needs.has('redis')) required.add('TCP/6379');
  if (topology.externalHttps) required.add('TCP/443');
  const allowed = new Set([...required, 'TCP/53', 'TCP/4318']);
  for (const callee of topology.calls) {
    const port = context.services.get(callee)?.port;
    if (deployed.has(callee) && port !== undefined) allowed.add(`TCP/${port}`);
  }
  const egressPorts = new Set<string>();
  for (const rule of policies.flatMap((policy) => policy.spec.egress ?? [])) {
    if (rule.to === undefined || rule.to.length === 0) report('an egress rule allows every destination');
    if (rule.ports === undefined || rule.ports.length === 0) report('an egress rule allows every port');
    for (const port of rule.ports ?? []) {
      const key = `${port.protocol ?? 'TCP'}/${String(port.port)}`;
      egressPorts.add(key);
      if (key === 'TCP/443' && !(rule.to ?? []).every(isPublicOnly)) {
        report('egress on 443 must go to public addresses only (ipBlock excepting the private ranges)');
      }
    }
  }
  for (const key of required) if (!egressPorts.has(key)) report(`egress to ${key} is needed but not allowed`);
  for (const key of egressPorts)
    if (!allowed.has(key)) report(`egress to ${key} is allowed but not in the architecture`);

  // Ingress: only its own port, from the ingress controller (doors), Prometheus, and declared callers.
  const callers = Object.entries(TOPOLOGY)
    .filter(([, other]) => other.calls.includes(deployment.metadata.name))
    .map(([caller]) => caller);
  const peers: NetworkPolicyPeer[] = [];
  for (const rule of policies.flatMap((policy) => policy.spec.ingress ?? [])) {
    if (rule.from === undefined || rule.from.length === 0) report('an ingress rule admits every source');
    if (rule.ports === undefined || rule.ports.length === 0) report('an ingress rule admits every port');
    for (const port of rule.ports ?? []) {
      if (port.port !== facts.port)
        report(`ingress on port ${String(port.port)}, which is not restock.port ${facts.port}`);
    }
    peers.push(...(rule.from ?? []));
  }
  for (const peer of peers) {
    const namespace = namespaceOf(peer);
    const app = peer.podSelector?.matchLabels?.['app.kubernetes.io/name'];
    const fine =
      peer.ipBlock === undefined &&
      ((namespace === MONITORING_NAMESPACE && peer.podSelector === undefined) ||
        (namespace === INGRESS_NAMESPACE && topology.door && peer.podSelector === undefined) ||
        (peer.namespaceSelector === undefined && app !== undefined && callers.includes(app)));
    if (!fine) report(`ingress from ${JSON.stringify(peer)} is not in the architecture`);
  }
  if (topology.door && !peers.some((peer) => namespaceOf(peer) === INGRESS_NAMESPACE)) {
    report(`is an HTTP door but admits nothing from the ${INGRESS_NAMESPACE} namespace`);
  }
  if (facts.metricsPath !== undefined && !peers.some((peer) => namespaceOf(peer) === MONITORING_NAMESPACE)) {
    report(`Prometheus (namespace ${MONITORING_NAMESPACE}) cannot scrape it`);
  }
}

function namespaceOf(peer: NetworkPolicyPeer): string | undefined {
  return peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'];
}

function isPublicOnly(peer: NetworkPolicyPeer): boolean {
  const block = peer.ipBlock;
  return (
    block !== undefined &&
    peer.podSelector === undefined &&
    peer.namespaceSelector === undefined &&
    PRIVATE_RANGES.every((range) => block.except?.includes(range) === true)
  );
}

/** Non-root, read-only, no privilege escalation, no capabilities, RuntimeDefault seccomp, a /tmp emptyDir, requests and limits. */
function checkPodHardening(
  deployment: Deployment,
  objects: readonly K8sObject[],
  context: OverlayContext,
  report: Report,
): void {
  const subject = `Deployment/${deployment.metadata.name}`;
  const pod = deployment.spec.template.spec;
  if (pod.automountServiceAccountToken !== false) report(subject, 'automountServiceAccountToken is not false');
  const accountName = pod.serviceAccountName;
  const account = objectsOfKind<ServiceAccount>(objects, 'ServiceAccount').find(
    (sa) => sa.metadata.name === accountName,
  );
  if (account === undefined) report(subject, `ServiceAccount ${String(accountName)} is not rendered`);
  else if (account.automountServiceAccountToken !== false) {
    report(subject, `ServiceAccount ${accountName} does not set automountServiceAccountToken: false`);
  }
  for (const container of pod.containers) {
    const at = `${subject} container ${container.name}`;
    const own = container.securityContext ?? {};
    const runAsNonRoot = own.runAsNonRoot ?? pod.securityContext?.runAsNonRoot;
    const seccomp = own.seccompProfile?.type ?? pod.securityContext?.seccompProfile?.type;
    if (runAsNonRoot !== true) report(at, 'runAsNonRoot is not true');
    if (own.readOnlyRootFilesystem !== true) report(at, 'readOnlyRootFilesystem is not true');
    if (own.allowPrivilegeEscalation !== false) report(at, 'allowPrivilegeEscalation is not false');
    if (!(own.capabilities?.drop ?? []).includes('ALL')) report(at, 'capabilities do not drop ALL');
    if ((own.capabilities?.add ?? []).length > 0) report(at, 'adds capabilities');
    if (seccomp !== 'RuntimeDefault') report(at, 'seccompProfile is not RuntimeDefault');
    for (const resource of ['cpu', 'memory']) {
      if (container.resources?.requests?.[resource] === undefined) report(at, `no ${resource} request`);
      if (container.resources?.limits?.[resource] === undefined) report(at, `no ${resource} limit`);
    }
    const tmp = container.volumeMounts?.find((mount) => mount.mountPath === '/tmp');
    const volume = pod.volumes?.find((candidate) => candidate.name === tmp?.name);
    if (volume?.emptyDir === undefined) report(at, 'has no emptyDir mounted on /tmp');
    const tag = container.image.slice(container.image.lastIndexOf('/') + 1);
    if (context.requireImageTags && (!tag.includes(':') || tag.endsWith(':latest'))) {
      report(at, `image ${container.image} has no released tag`);
    }
    for (const env of container.env ?? []) {
      if (env.value !== undefined && /SECRET|PASSWORD|TOKEN|PRIVATE/.test(env.name)) {
        report(at, `${env.name} holds a literal value: secrets come from a Secret`);
      }
    }
    for (const problem of resolveContainerEnv(container, objects).problems) report(at, problem);
  }
}

function checkObjectReferences(objects: readonly K8sObject[], deployments: Deployment[], report: Report): void {
  const podLabelSets = deployments.map((deployment) => deployment.spec.template.metadata.labels ?? {});
  const selectsPods = (selector: { matchLabels?: Record<string, string> } | undefined) =>
    podLabelSets.some((labels) => selectorMatches(selector, labels));
  for (const service of objectsOfKind<Service>(objects, 'Service')) {
    const target = deployments.find((deployment) =>
      selectorMatches({ matchLabels: service.spec.selector ?? {} }, deployment.spec.template.metadata.labels),
    );
    if (target === undefined) {
      report(`Service/${service.metadata.name}`, 'selects no Deployment');
      continue;
    }
    const ports = target.spec.template.spec.containers.flatMap((container) => container.ports ?? []);
    for (const port of service.spec.ports) {
      const found = ports.some((p) => p.name === port.targetPort || p.containerPort === port.targetPort);
      if (!found)
        report(`Service/${service.metadata.name}`, `targetPort ${String(port.targetPort)} is not a container port`);
    }
  }
  for (const hpa of objectsOfKind<HorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler')) {
    const ref = hpa.spec.scaleTargetRef;
    if (ref.kind !== 'Deployment' || !deployments.some((deployment) => deployment.metadata.name === ref.name)) {
      report(`HorizontalPodAutoscaler/${hpa.metadata.name}`, `scales ${ref.kind}/${ref.name}, which is not rendered`);
    }
    if ((hpa.spec.minReplicas ?? 1) > hpa.spec.maxReplicas) {
      report(`HorizontalPodAutoscaler/${hpa.metadata.name}`, 'minReplicas exceeds maxReplicas');
    }
  }
  for (const budget of objectsOfKind<PodDisruptionBudget>(objects, 'PodDisruptionBudget')) {
    if (!selectsPods(budget.spec.selector)) report(`PodDisruptionBudget/${budget.metadata.name}`, 'selects no pods');
  }
  for (const monitor of objectsOfKind<PodMonitor>(objects, 'PodMonitor')) {
    const operatorManaged = Object.keys(monitor.spec.selector.matchLabels ?? {}).some(
      (key) => key.startsWith('strimzi.io/') || key.startsWith('cnpg.io/'),
    );
    if (!operatorManaged && !selectsPods(monitor.spec.selector))
      report(`PodMonitor/${monitor.metadata.name}`, 'selects no pods');
  }
}

function describe(error: unknown): string {
  if (error instanceof ConfigError) return error.problems.map((p) => `${p.variable} ${p.problem}`).join('; ');
  return error instanceof Error ? error.message : String(error);
}
