/** The cluster's store in etcd (the JSON gateway client and the records' keys): imported only by cluster verbs. */
export { EtcdClient, EtcdUnavailableError, prefixEnd, type Compare, type EtcdOptions, type EtcdTls, type KeyValue, type TxnOp, type WatchEvent } from './client.js'
export { ClusterState, DEFAULT_CLUSTER_PREFIX, type AliveRecord, type ClusterSnapshot, type InvalidRecord, type NetworkInput } from './cluster-state.js'
