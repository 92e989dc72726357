/**
 * Renders every overlay with the real kustomize (`kubectl kustomize`), validates every object against
 * the Kubernetes and CRD JSON Schemas in ./schemas offline, and checks the cross-references between
 * the manifests and the code: services and their folders, environment against each config, probes
 * against the health routes, ports, topics against the catalogue, replicas against partitions,
 * network flows, Secrets against the runbook, alerts against the runbook.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allTopicSpecs } from '@restock/events';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkOverlay, type OverlayContext } from '../src/cross-references.js';
import type { Container, Deployment, K8sObject, PrometheusRule } from '../src/k8s-types.js';
import { objectsOfKind } from '../src/k8s-types.js';
import { parseManifests, renderKustomization } from '../src/render-overlay.js';
import { createManifestValidator } from '../src/schema-validator.js';
import { SECRETS } from '../src/secrets.js';
import { defaultDrainMs, readServiceFacts, type ServiceFacts, serviceFolders } from '../src/service-facts.js';
import { renderTopicsYaml } from '../src/topic-manifests.js';
import { TOPOLOGY } from '../src/topology.js';

const k8sRoot = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = join(k8sRoot, '..', '..');
// Every overlay there is, so a new one is rendered and checked without touching this file.
const OVERLAYS = readdirSync(join(k8sRoot, 'overlays')).sort();

const validator = createManifestValidator(join(k8sRoot, 'test', 'schemas'));
const rendered = new Map<string, K8sObject[]>();
const services = new Map<string, ServiceFacts>();
const unreadable: string[] = [];
const runbook = readFileSync(join(k8sRoot, 'runbook.md'), 'utf8');

function contextFor(overlay: string): OverlayContext {
  return {
    overlay,
    services,
    topicSpecs: allTopicSpecs(),
    drainMs: defaultDrainMs(repoRoot),
    requireImageTags: overlay === 'prod',
  };
}

function rendering(overlay: string): K8sObject[] {
  const objects = rendered.get(overlay);
  if (objects === undefined) throw new Error(`overlay ${overlay} was not rendered`);
  return objects;
}

function deploymentIn(objects: K8sObject[], name: string): Deployment {
  const deployment = objectsOfKind<Deployment>(objects, 'Deployment').find((d) => d.metadata.name === name);
  if (deployment === undefined) throw new Error(`no Deployment ${name}`);
  return deployment;
}

function containerOf(deployment: Deployment): Container {
  const container = deployment.spec.template.spec.containers[0];
  if (container === undefined) throw new Error(`Deployment ${deployment.metadata.name} has no container`);
  return container;
}

/** GitHub's anchors of a Markdown document's headings. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const match of markdown.matchAll(/^#{1,6}\s+(.+)$/gm)) {
    const text = (match[1] ?? '').trim().toLowerCase();
    anchors.add(
      text
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .trim()
        .replace(/\s/g, '-'),
    );
  }
  return anchors;
}

function hasPort(folder: string): boolean {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'services', folder, 'package.json'), 'utf8')) as {
    restock?: { port?: unknown };
  };
  return typeof pkg.restock?.port === 'number';
}

beforeAll(async () => {
  for (const overlay of OVERLAYS) rendered.set(overlay, renderKustomization(join(k8sRoot, 'overlays', overlay)));
  for (const folder of serviceFolders(repoRoot)) {
    // A dev-only tool that serves no port (the device simulator) is never deployed: nothing to check.
    if (TOPOLOGY[folder]?.devOnly && !hasPort(folder)) continue;
    try {
      services.set(folder, await readServiceFacts(repoRoot, folder));
    } catch (error) {
      unreadable.push(`services/${folder}: ${(error as Error).message}`);
    }
  }
});

describe('the topic manifests', () => {
  it('base/kafka/topics.yaml is exactly what scripts/generate-topics.ts writes from the catalogue', () => {
    const committed = readFileSync(join(k8sRoot, 'base', 'kafka', 'topics.yaml'), 'utf8');
    expect(committed).toBe(renderTopicsYaml(allTopicSpecs()));
  });

  it('declares every topic of the catalogue, DLQs and sns.dlq included', () => {
    const names = parseManifests(readFileSync(join(k8sRoot, 'base', 'kafka', 'topics.yaml'), 'utf8')).map(
      (topic) => topic.metadata.name,
    );
    expect(names).toEqual(allTopicSpecs().map((spec) => spec.name));
    expect(names).toContain('sns.dlq');
    expect(names.filter((name) => name.endsWith('.dlq')).length).toBeGreaterThan(1);
  });
});

describe('the service folders', () => {
  it('every folder under services/ can be read (package.json restock.port, src/config.ts schema)', () => {
    expect(unreadable).toEqual([]);
    expect(services.size).toBeGreaterThan(0);
  });
});

describe.each(OVERLAYS)('overlay %s', (overlay) => {
  it('renders with kubectl kustomize into one namespace', () => {
    const objects = rendering(overlay);
    expect(objects.length).toBeGreaterThan(20);
    const namespaces = new Set(objects.map((object) => object.metadata.namespace));
    expect(namespaces.size).toBe(1);
    expect([...namespaces][0]).toMatch(/^restock(-[a-z]+)?$/);
  });

  it('every object passes its Kubernetes or CRD JSON Schema', () => {
    const failures = rendering(overlay)
      .map((object) => validator.validate(object))
      .filter((result) => result.problems.length > 0);
    expect(failures).toEqual([]);
  });

  it('the manifests agree with the services, the topic catalogue and the architecture', () => {
    expect(checkOverlay(rendering(overlay), contextFor(overlay))).toEqual([]);
  });

  it('every Secret key it references is documented in src/secrets.ts and the runbook', () => {
    const referenced = new Set<string>();
    for (const deployment of objectsOfKind<Deployment>(rendering(overlay), 'Deployment')) {
      for (const container of deployment.spec.template.spec.containers) {
        for (const variable of container.env ?? []) {
          const ref = variable.valueFrom?.secretKeyRef;
          if (ref !== undefined) referenced.add(`${ref.name}/${ref.key}`);
        }
      }
    }
    expect(referenced.size).toBeGreaterThan(0);
    const undocumented = [...referenced].filter((ref) => {
      const [name = '', key = ''] = ref.split('/');
      return SECRETS[name]?.[key] === undefined || !runbook.includes(`\`${name}\``) || !runbook.includes(`\`${key}\``);
    });
    expect(undocumented).toEqual([]);
  });
});

describe('the overlays', () => {
  it('are dev and prod at least, prod in the namespace restock', () => {
    expect(OVERLAYS).toEqual(expect.arrayContaining(['dev', 'prod']));
    expect(rendering('prod').every((object) => object.metadata.namespace === 'restock')).toBe(true);
  });

  it('production deploys no development-only service and no insecure SNS origin', () => {
    const objects = rendering('prod');
    const names = objectsOfKind<Deployment>(objects, 'Deployment').map((d) => d.metadata.name);
    expect(names).not.toContain('drs-simulator');
    for (const deployment of objectsOfKind<Deployment>(objects, 'Deployment')) {
      const variables = deployment.spec.template.spec.containers.flatMap((c) => (c.env ?? []).map((e) => e.name));
      expect(variables).not.toContain('SNS_ALLOW_INSECURE_ORIGINS');
      expect(variables).not.toContain('AUTH_HMAC_SECRET');
    }
  });
});

describe('the images', () => {
  it('every service has a multi-stage Dockerfile that deploys its package, runs as non-root and exposes restock.port', () => {
    const wrong: string[] = [];
    for (const facts of services.values()) {
      const file = join(repoRoot, 'services', facts.folder, 'Dockerfile');
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        wrong.push(`services/${facts.folder}/Dockerfile is missing`);
        continue;
      }
      const expectations: [string, boolean][] = [
        ['two stages', (text.match(/^FROM /gm) ?? []).length >= 2],
        ['pnpm deploy of the package', text.includes(`pnpm --filter ${facts.packageName} deploy --legacy --prod`)],
        ['the lockfile', text.includes('pnpm-lock.yaml')],
        ['a numeric non-root user', /^USER 10001:10001$/m.test(text)],
        [`EXPOSE ${facts.port}`, new RegExp(`^EXPOSE ${facts.port}$`, 'm').test(text)],
        [`OTEL_SERVICE_NAME=${facts.folder}`, text.includes(`OTEL_SERVICE_NAME=${facts.folder}`)],
        [
          'the start command',
          text.includes('CMD ["node", "--import", "tsx", "--import", "@restock/telemetry/register", "src/main.ts"]'),
        ],
      ];
      for (const [what, holds] of expectations) if (!holds) wrong.push(`services/${facts.folder}/Dockerfile: ${what}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('the schema validation fails on a broken object', () => {
  it('reports a string where an integer belongs and a container without a name', () => {
    const broken = structuredClone(deploymentIn(rendering('prod'), 'ingest'));
    const container = containerOf(broken);
    const port = container.ports?.[0];
    if (port === undefined) throw new Error('ingest has no port');
    (port as { containerPort: unknown }).containerPort = '8081';
    delete (container as Partial<Container>).name;

    const result = validator.validate(broken);
    expect(result.schema).toBe('kubernetes-v1.31.6/deployment-apps-v1.json');
    expect(result.problems).toContainEqual(
      expect.stringMatching(/^\/spec\/template\/spec\/containers\/0\/ports\/0\/containerPort must be integer/),
    );
    expect(result.problems).toContainEqual(
      expect.stringMatching(/^\/spec\/template\/spec\/containers\/0 must have required property 'name'/),
    );
  });

  it('reports a KafkaTopic with no partitions and a misspelt field, and a PrometheusRule without expr', () => {
    const topics = objectsOfKind(rendering('prod'), 'KafkaTopic');
    const topic = structuredClone(topics[0]) as K8sObject & { spec: Record<string, unknown> };
    topic.spec['partitions'] = 0;
    topic.spec['partition'] = 3;
    const topicProblems = validator.validate(topic).problems;
    expect(topicProblems).toContainEqual(expect.stringMatching(/^\/spec\/partitions must be >= 1/));
    expect(topicProblems).toContainEqual('/spec must NOT have additional properties (partition)');

    const rule = structuredClone(objectsOfKind<PrometheusRule>(rendering('prod'), 'PrometheusRule')[0]);
    if (rule === undefined) throw new Error('no PrometheusRule rendered');
    const first = rule.spec.groups[0]?.rules?.[0] as Record<string, unknown> | undefined;
    if (first === undefined) throw new Error('the PrometheusRule has no rule');
    delete first['expr'];
    expect(validator.validate(rule).problems).toContainEqual(
      expect.stringMatching(/must have required property 'expr'/),
    );
  });

  it('reports an object it has no schema for instead of skipping it', () => {
    const job: K8sObject = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'unknown' } };
    expect(validator.validate(job).problems).toEqual([expect.stringMatching(/^no JSON Schema for batch\/v1 Job/)]);
  });
});

describe('the cross-reference check fails on broken wiring', () => {
  function checkWith(change: (objects: K8sObject[]) => void): string[] {
    const objects = structuredClone(rendering('prod'));
    change(objects);
    return checkOverlay(objects, contextFor('prod'));
  }

  it('reports a variable the config requires that the Deployment does not set', () => {
    const problems = checkWith((objects) => {
      const container = containerOf(deploymentIn(objects, 'sns-bridge'));
      container.env = (container.env ?? []).filter((variable) => variable.name !== 'SNS_ALLOWED_TOPIC_ARNS');
    });
    expect(problems).toContainEqual(
      expect.stringContaining('SNS_ALLOWED_TOPIC_ARNS is required by src/config.ts but not set'),
    );
  });

  it('reports a probe on a route the service does not serve and a port that is not restock.port', () => {
    const problems = checkWith((objects) => {
      const container = containerOf(deploymentIn(objects, 'inventory-projector'));
      if (container.readinessProbe?.httpGet !== undefined) container.readinessProbe.httpGet.path = '/healthz';
      const port = container.ports?.[0];
      if (port !== undefined) port.containerPort = 9999;
    });
    expect(problems).toContainEqual(
      expect.stringContaining('readinessProbe path /healthz is not one of the health routes the service serves'),
    );
    expect(problems).toContainEqual(
      expect.stringContaining('container port "http" is 9999, package.json restock.port 9101'),
    );
  });

  it('reports consumer replicas above the partitions of a topic the service consumes', () => {
    const problems = checkWith((objects) => {
      deploymentIn(objects, 'inventory-projector').spec.replicas = 4;
    });
    expect(problems).toContainEqual(expect.stringContaining('replicas 4 exceed the 3 partitions of catalog.v1'));
  });

  it('reports a Deployment for a service that has no folder, and a topic missing from the catalogue', () => {
    const problems = checkWith((objects) => {
      const ghost = structuredClone(deploymentIn(objects, 'catalog'));
      ghost.metadata.name = 'ghost-service';
      objects.push(ghost);
      const index = objects.findIndex(
        (object) => object.kind === 'KafkaTopic' && object.metadata.name === 'outcomes.v1',
      );
      objects.splice(index, 1);
    });
    expect(problems).toContainEqual(
      expect.stringContaining('Deployment/ghost-service: names a service with no folder'),
    );
    expect(problems).toContainEqual(
      expect.stringContaining('KafkaTopic/outcomes.v1: is in the catalogue but not rendered'),
    );
  });

  it('reports egress the architecture does not have and a container running as root', () => {
    const problems = checkWith((objects) => {
      const policy = objects.find((object) => object.kind === 'NetworkPolicy' && object.metadata.name === 'ingest') as
        | (K8sObject & { spec: { egress: unknown[] } })
        | undefined;
      policy?.spec.egress.push({ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 443 }] });
      const deployment = deploymentIn(objects, 'ingest');
      deployment.spec.template.spec.securityContext = { runAsNonRoot: false };
    });
    expect(problems).toContainEqual(
      expect.stringContaining('Deployment/ingest: egress to TCP/443 is allowed but not in the architecture'),
    );
    expect(problems).toContainEqual(expect.stringContaining('container ingest: runAsNonRoot is not true'));
  });
});

describe('observability', () => {
  it('every alert has a summary and a runbook link to a section of the runbook', () => {
    const rules = objectsOfKind<PrometheusRule>(rendering('prod'), 'PrometheusRule');
    expect(rules.length).toBeGreaterThan(0);
    const anchors = anchorsOf(runbook);
    const alerts = rules
      .flatMap((rule) => rule.spec.groups.flatMap((group) => group.rules ?? []))
      .filter((r) => r.alert);
    expect(alerts.length).toBeGreaterThanOrEqual(4);
    for (const alert of alerts) {
      expect(String(alert.expr).trim(), `${alert.alert} expr`).not.toBe('');
      expect(alert.annotations?.['summary'], `${alert.alert} summary`).toBeTruthy();
      const anchor = /runbook\.md#([\w-]+)$/.exec(alert.annotations?.['runbook_url'] ?? '')?.[1];
      expect(
        anchor !== undefined && anchors.has(anchor),
        `${alert.alert} runbook_url ${alert.annotations?.['runbook_url']}`,
      ).toBe(true);
    }
  });

  it('the Grafana dashboard is valid JSON whose every panel queries Prometheus', () => {
    const dashboard = JSON.parse(readFileSync(join(k8sRoot, 'observability', 'grafana-dashboard.json'), 'utf8')) as {
      uid?: string;
      title?: string;
      panels?: { title?: string; type?: string; targets?: { expr?: string }[] }[];
    };
    expect(dashboard.uid).toBeTruthy();
    expect(dashboard.title).toBeTruthy();
    const panels = (dashboard.panels ?? []).filter((panel) => panel.type !== 'row');
    expect(panels.length).toBeGreaterThanOrEqual(6);
    for (const panel of panels) {
      expect(panel.targets?.length, `${panel.title} targets`).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) expect(target.expr?.trim(), `${panel.title} expr`).toBeTruthy();
    }
    const configMaps = objectsOfKind(rendering('prod'), 'ConfigMap').map((cm) => cm.metadata.name);
    expect(configMaps).toContain('restock-grafana-dashboard');
  });
});
