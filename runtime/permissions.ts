/**
 * The shape of generated/permissions.json: each service's broker permissions, as the generator
 * writes them (generator/model/permissions.ts) and broker:provision reads them.
 */

/** One exchange or queue a service may use, and why. */
export interface Grant {
  /** Exchange or queue name; for a per-instance queue, its base name. */
  name: string;
  /** A per-instance queue: the grant covers `name.<instanceId>`. */
  perInstance: boolean;
  reason: string;
}

export interface TopicPermission {
  exchange: string;
  /** Routing keys the service may publish with. */
  write: string;
  /** Binding keys the service may bind with. */
  read: string;
}

export interface ServicePermissions {
  service: string;
  grants: { configure: Grant[]; write: Grant[]; read: Grant[] };
  /** Regexes over exchange and queue names, as `rabbitmqctl set_permissions` takes them. */
  configure: string;
  write: string;
  read: string;
  /** One per topic exchange the service publishes to or binds to. */
  topic: TopicPermission[];
}
