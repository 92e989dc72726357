import { randomUUID } from 'node:crypto';
import type { HttpApp } from '@restock/http';
import type { FastifyReply } from 'fastify';
import { confirmSubscription, unsubscribeEndpoint } from '../actions/sns-subscriptions.js';
import type { SimulatorContext } from '../simulator-context.js';
import { certificateByName } from '../store/signing-store.js';

const SNS_XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';
const CERT_FILE = /^(SimpleNotificationService-[0-9a-f]{32})\.pem$/;

/**
 * The simulator's stand-in for SNS's own host: the signing certificates, the SubscribeURL that confirms a
 * subscription and the UnsubscribeURL, answering in SNS's XML like the real ones (DRS-SNS-SPEC 3.3).
 */
export async function snsRoutes(app: HttpApp, context: SimulatorContext): Promise<void> {
  app.get('/sns/confirm', async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    if (query['Action'] !== undefined && query['Action'] !== 'ConfirmSubscription') {
      return sendSnsError(reply, 400, 'InvalidAction', `Unknown Action ${query['Action']}`);
    }
    const token = query['Token'];
    if (token === undefined || token === '') return sendSnsError(reply, 400, 'InvalidParameter', 'Token is required');
    const subscription = await confirmSubscription(context, token, query['TopicArn']);
    if (subscription === undefined) {
      return sendSnsError(reply, 400, 'InvalidParameter', 'Invalid token');
    }
    return sendXml(
      reply,
      `<ConfirmSubscriptionResponse xmlns="${SNS_XMLNS}"><ConfirmSubscriptionResult><SubscriptionArn>${xml(subscription.subscriptionArn)}</SubscriptionArn></ConfirmSubscriptionResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></ConfirmSubscriptionResponse>`,
    );
  });

  app.get('/sns/unsubscribe', async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    const arn = query['SubscriptionArn'];
    if (arn === undefined || arn === '') {
      return sendSnsError(reply, 400, 'InvalidParameter', 'SubscriptionArn is required');
    }
    const subscription = await unsubscribeEndpoint(context, arn);
    if (subscription === undefined) return sendSnsError(reply, 404, 'NotFound', 'Subscription does not exist');
    return sendXml(
      reply,
      `<UnsubscribeResponse xmlns="${SNS_XMLNS}"><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></UnsubscribeResponse>`,
    );
  });

  app.get('/sns/:file', async (request, reply) => {
    const match = CERT_FILE.exec((request.params as { file: string }).file);
    const pem = match?.[1] === undefined ? undefined : await certificateByName(context.pool, match[1]);
    if (pem === undefined) return sendSnsError(reply, 404, 'NotFound', 'No such certificate');
    return reply.code(200).type('application/x-x509-ca-cert').send(pem);
  });
}

function sendXml(reply: FastifyReply, body: string): FastifyReply {
  return reply.code(200).type('text/xml').send(body);
}

/** SNS's query-API error document. */
function sendSnsError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply
    .code(status)
    .type('text/xml')
    .send(
      `<ErrorResponse xmlns="${SNS_XMLNS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${xml(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
    );
}

function xml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}
