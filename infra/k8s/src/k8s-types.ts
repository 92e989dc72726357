/**
 * The parts of Kubernetes objects the cross-reference checks read. They are views, not full types:
 * an object is read through them only after it passed its JSON Schema.
 */

/** Any object of a rendered overlay. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
}

export interface KeyRef {
  name: string;
  key: string;
  optional?: boolean;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { configMapKeyRef?: KeyRef; secretKeyRef?: KeyRef; fieldRef?: { fieldPath: string } };
}

export interface EnvFromSource {
  configMapRef?: { name: string; optional?: boolean };
  secretRef?: { name: string; optional?: boolean };
}

export interface HttpProbe {
  httpGet?: { path?: string; port: number | string };
  tcpSocket?: { port: number | string };
  exec?: { command: string[] };
}

export interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  readOnlyRootFilesystem?: boolean;
  allowPrivilegeEscalation?: boolean;
  capabilities?: { drop?: string[]; add?: string[] };
  seccompProfile?: { type: string };
}

export interface Container {
  name: string;
  image: string;
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  env?: EnvVar[];
  envFrom?: EnvFromSource[];
  livenessProbe?: HttpProbe;
  readinessProbe?: HttpProbe;
  startupProbe?: HttpProbe;
  lifecycle?: { preStop?: { sleep?: { seconds: number }; exec?: { command: string[] } } };
  resources?: {
    requests?: Record<string, string | number>;
    limits?: Record<string, string | number>;
  };
  securityContext?: SecurityContext;
  volumeMounts?: { name: string; mountPath: string }[];
}

export interface PodSpec {
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  terminationGracePeriodSeconds?: number;
  securityContext?: SecurityContext;
  containers: Container[];
  volumes?: { name: string; emptyDir?: Record<string, unknown> }[];
}

export interface Deployment extends K8sObject {
  spec: {
    replicas?: number;
    selector: LabelSelector;
    template: { metadata: { labels?: Record<string, string> }; spec: PodSpec };
  };
}

export interface ConfigMap extends K8sObject {
  data?: Record<string, string>;
}

export interface ServiceAccount extends K8sObject {
  automountServiceAccountToken?: boolean;
}

export interface Service extends K8sObject {
  spec: { selector?: Record<string, string>; ports: { name?: string; port: number; targetPort?: number | string }[] };
}

export interface HorizontalPodAutoscaler extends K8sObject {
  spec: {
    scaleTargetRef: { apiVersion?: string; kind: string; name: string };
    minReplicas?: number;
    maxReplicas: number;
  };
}

export interface PodDisruptionBudget extends K8sObject {
  spec: { selector?: LabelSelector; minAvailable?: number | string; maxUnavailable?: number | string };
}

export interface NetworkPolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}

export interface NetworkPolicyPort {
  protocol?: string;
  port?: number | string;
}

export interface NetworkPolicy extends K8sObject {
  spec: {
    podSelector: LabelSelector;
    policyTypes?: string[];
    ingress?: { from?: NetworkPolicyPeer[]; ports?: NetworkPolicyPort[] }[];
    egress?: { to?: NetworkPolicyPeer[]; ports?: NetworkPolicyPort[] }[];
  };
}

export interface PodMonitor extends K8sObject {
  spec: { selector: LabelSelector; podMetricsEndpoints?: { port?: string; path?: string }[] };
}

export interface KafkaTopic extends K8sObject {
  spec: { partitions?: number; replicas?: number; config?: Record<string, string | number | boolean> };
}

export interface PrometheusRule extends K8sObject {
  spec: {
    groups: {
      name: string;
      rules?: {
        alert?: string;
        record?: string;
        expr: string | number;
        for?: string;
        labels?: Record<string, string>;
        annotations?: Record<string, string>;
      }[];
    }[];
  };
}

/** The objects of one kind, typed as their view. */
export function objectsOfKind<T extends K8sObject>(objects: readonly K8sObject[], kind: string): T[] {
  return objects.filter((object) => object.kind === kind) as T[];
}

/** Whether every label a selector names is on the labels. */
export function selectorMatches(
  selector: LabelSelector | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  const wanted = Object.entries(selector?.matchLabels ?? {});
  return wanted.every(([key, value]) => labels?.[key] === value);
}
