/**
 * Writes base/kafka/topics.yaml, one Strimzi KafkaTopic per topic of the catalogue (DLQs and sns.dlq
 * included), with the catalogue's partitions and retention or compaction. Run after changing
 * packages/events/src/topics.ts: `pnpm --filter @restock/infra-k8s generate:topics`.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { allTopicSpecs } from '@restock/events';
import { renderTopicsYaml } from '../src/topic-manifests.js';

const target = fileURLToPath(new URL('../base/kafka/topics.yaml', import.meta.url));
const specs = allTopicSpecs();
writeFileSync(target, renderTopicsYaml(specs));
process.stdout.write(`wrote ${specs.length} KafkaTopics to ${target}\n`);
