import type { FastifyReply } from 'fastify';
import type { FaultInjector } from '../fault-injector.js';

/**
 * Applies the API faults to one call before anything else happens: waits when the call is to be slow,
 * then answers 500 with `failureBody` when it is to fail. Returns true when the call was answered.
 */
export async function applyApiFaults(
  faults: FaultInjector,
  reply: FastifyReply,
  failureBody: Record<string, string>,
): Promise<boolean> {
  const decision = faults.apiCall();
  if (decision.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, decision.delayMs));
  if (!decision.fail) return false;
  reply.log.info({ fault: 'fail' }, 'fault: answering 500');
  reply.code(500).send(failureBody);
  return true;
}
