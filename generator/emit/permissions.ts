import { servicePermissions } from '../model/permissions.js';
import type { Model } from '../model/types.js';
import type { GeneratedFile } from './generated-file.js';

/**
 * `permissions.json`: each service's broker permissions as data for tooling (`broker:provision`,
 * docs): the regexes RabbitMQ takes, the topic permissions, and the grants they were built from,
 * each with its reason. Users are named like their service unless the tooling says otherwise.
 */
export function emitPermissions(model: Model): GeneratedFile[] {
  const permissions = { services: servicePermissions(model) };
  return [{ path: 'permissions.json', content: `${JSON.stringify(permissions, null, 2)}\n` }];
}
