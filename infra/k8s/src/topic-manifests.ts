import { stringify } from 'yaml';

/** One topic as the catalogue declares it (`allTopicSpecs()` of @restock/events). */
export interface TopicSpec {
  name: string;
  partitions: number;
  config: Record<string, string>;
}

/** The Strimzi cluster every KafkaTopic belongs to (`metadata.name` of the Kafka in base/kafka). */
export const KAFKA_CLUSTER = 'restock';

export const TOPICS_FILE_HEADER = [
  '# Generated from the topic catalogue (packages/events/src/topics.ts, allTopicSpecs) by',
  '#   pnpm --filter @restock/infra-k8s generate:topics',
  '# Do not edit: change the catalogue and generate again. The manifest test fails when this file and',
  '# the catalogue disagree. Replication comes from the broker defaults set in kafka.yaml per overlay.',
].join('\n');

/** The Strimzi KafkaTopic of one catalogue topic; the Kubernetes name is the topic name (both are valid). */
export function kafkaTopicOf(spec: TopicSpec): Record<string, unknown> {
  return {
    apiVersion: 'kafka.strimzi.io/v1beta2',
    kind: 'KafkaTopic',
    metadata: {
      name: spec.name,
      labels: { 'strimzi.io/cluster': KAFKA_CLUSTER, 'app.kubernetes.io/part-of': 'restock' },
    },
    spec: {
      partitions: spec.partitions,
      // Sorted so the file does not change when the catalogue reorders its keys.
      config: Object.fromEntries(Object.entries(spec.config).sort(([a], [b]) => a.localeCompare(b))),
    },
  };
}

/** The whole `base/kafka/topics.yaml`: header, then one document per topic in catalogue order. */
export function renderTopicsYaml(specs: readonly TopicSpec[]): string {
  const documents = specs.map((spec) => stringify(kafkaTopicOf(spec), { lineWidth: 0 }));
  return `${TOPICS_FILE_HEADER}\n${documents.map((doc) => `---\n${doc}`).join('')}`;
}
