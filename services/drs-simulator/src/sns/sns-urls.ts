/**
 * The URLs the simulator writes into SNS messages. SNS serves them from `sns.<region>.amazonaws.com`; the
 * simulator serves them itself under its public base URL (plain http in development, which is why a
 * bridge must list this origin in its `insecureOrigins`).
 */

/** `SigningCertURL`: where the certificate of `certName` is served. */
export function signingCertUrl(baseUrl: string, certName: string): string {
  return `${baseUrl}/sns/${certName}.pem`;
}

/**
 * `SubscribeURL` of a confirmation, in SNS's shape (`?Action=ConfirmSubscription&TopicArn=...&Token=...`).
 * ARNs and tokens hold only URL-safe characters, so they are written as SNS writes them, unencoded.
 */
export function subscribeUrl(baseUrl: string, topicArn: string, token: string): string {
  return `${baseUrl}/sns/confirm?Action=ConfirmSubscription&TopicArn=${topicArn}&Token=${token}`;
}

/** `UnsubscribeURL` of a notification. */
export function unsubscribeUrl(baseUrl: string, subscriptionArn: string): string {
  return `${baseUrl}/sns/unsubscribe?Action=Unsubscribe&SubscriptionArn=${subscriptionArn}`;
}
