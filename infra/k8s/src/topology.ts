/**
 * Who talks to whom, from ARCHITECTURE.md ("The flow", "Topics") and each service's wiring. The
 * manifest test holds every service folder to an entry here and every entry's topics to the topic
 * names in the service's config, so this table cannot drift silently.
 */
export interface ServiceTopology {
  /** Reached from outside through the ingress controller (an HTTP door); otherwise only scraped. */
  door: boolean;
  /**
   * Topics read in one consumer group shared by all replicas, as the service's work: each partition
   * goes to one replica, so replicas beyond the smallest partition count would sit idle.
   */
  consumes: string[];
  /**
   * Topics an HTTP door keeps a shared copy of in PostgreSQL (one group for all replicas). The door scales
   * with its HTTP load; replicas beyond the partitions take no catalogue partition and serve requests
   * from the shared copy, so these topics do not bound the replicas.
   */
  sideProjections: string[];
  /** Topics every replica reads in a group of its own (fan-out to server-sent events). */
  perReplica: string[];
  produces: string[];
  /** Calls hosts outside the cluster over HTTPS (Amazon). */
  externalHttps: boolean;
  /** Development and test only: never deployed to production. */
  devOnly: boolean;
  /** Workloads of the same namespace it calls over HTTP, when they are deployed (the dev simulator). */
  calls: string[];
}

const NONE = { consumes: [], sideProjections: [], perReplica: [], produces: [], calls: [] } as const;

function service(partial: Partial<ServiceTopology> & Pick<ServiceTopology, 'door'>): ServiceTopology {
  return {
    externalHttps: false,
    devOnly: false,
    ...NONE,
    ...partial,
    consumes: [...(partial.consumes ?? [])],
    sideProjections: [...(partial.sideProjections ?? [])],
    perReplica: [...(partial.perReplica ?? [])],
    produces: [...(partial.produces ?? [])],
    calls: [...(partial.calls ?? [])],
  };
}

export const TOPOLOGY: Readonly<Record<string, ServiceTopology>> = {
  catalog: service({ door: true, produces: ['catalog.v1'] }),
  ingest: service({
    door: true,
    sideProjections: ['catalog.v1'],
    produces: ['consumption.v1', 'catalog.v1.dlq'],
  }),
  'sns-bridge': service({
    door: true,
    sideProjections: ['catalog.v1'],
    produces: ['orders.v1', 'subscriptions.v1', 'sns.dlq', 'catalog.v1.dlq'],
    externalHttps: true,
    calls: ['drs-simulator'],
  }),
  'inventory-projector': service({
    door: false,
    consumes: ['catalog.v1', 'consumption.v1', 'orders.v1', 'subscriptions.v1', 'adjustments.v1'],
    produces: [
      'inventory.v1',
      'orders.v1',
      'commands.v1',
      'catalog.v1.dlq',
      'consumption.v1.dlq',
      'orders.v1.dlq',
      'subscriptions.v1.dlq',
      'adjustments.v1.dlq',
    ],
  }),
  query: service({
    door: true,
    sideProjections: ['catalog.v1'],
    perReplica: ['inventory.v1'],
    produces: ['adjustments.v1', 'commands.v1', 'catalog.v1.dlq'],
  }),
  'reorder-policy': service({
    door: false,
    consumes: [
      'catalog.v1',
      'consumption.v1',
      'orders.v1',
      'subscriptions.v1',
      'outcomes.v1',
      'inventory.v1',
      'adjustments.v1',
    ],
    produces: [
      'commands.v1',
      'adjustments.v1.dlq',
      'catalog.v1.dlq',
      'consumption.v1.dlq',
      'orders.v1.dlq',
      'subscriptions.v1.dlq',
      'outcomes.v1.dlq',
      'inventory.v1.dlq',
    ],
  }),
  'drs-gateway': service({
    door: false,
    consumes: ['catalog.v1', 'subscriptions.v1', 'inventory.v1', 'orders.v1', 'commands.v1'],
    produces: [
      'outcomes.v1',
      'catalog.v1.dlq',
      'subscriptions.v1.dlq',
      'inventory.v1.dlq',
      'orders.v1.dlq',
      'commands.v1.dlq',
    ],
    externalHttps: true,
    calls: ['drs-simulator'],
  }),
  'drs-simulator': service({ door: false, devOnly: true, calls: ['sns-bridge'] }),
  'device-simulator': service({ door: false, devOnly: true, calls: ['ingest'] }),
};

/** Deployments of the namespace that are infrastructure, not a service folder. */
export const INFRASTRUCTURE_DEPLOYMENTS = ['redis'] as const;

/** Every topic a service reads or writes. */
export function topicsOf(topology: ServiceTopology): string[] {
  return [
    ...new Set([...topology.consumes, ...topology.sideProjections, ...topology.perReplica, ...topology.produces]),
  ];
}
