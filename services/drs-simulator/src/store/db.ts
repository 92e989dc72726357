import type { PoolClient } from '@restock/postgres';

/** Anything that runs a query: the pool, or a transaction's client. */
export type Db = Pick<PoolClient, 'query'>;

/** The schema the simulator owns (package.json `restock.schema`); every query names it. */
export const SCHEMA = 'drs_simulator';
