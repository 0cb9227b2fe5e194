// The parts of the Engine API's answers that `stackmod audit` reads (api/swagger.yaml; unchanged from API 1.25 to
// 1.52 for these fields). Every field is optional: an engine's answer is checked, not trusted.

export interface ApiNetwork {
  Id?: string;
  ID?: string;
  Name?: string;
  Driver?: string;
  Scope?: string;
}

interface ApiNetworkAttachmentConfig {
  Target?: string;
  Aliases?: string[];
}

interface ApiPortConfig {
  Protocol?: string;
  TargetPort?: number;
  PublishedPort?: number;
  PublishMode?: string;
}

export interface ApiService {
  ID?: string;
  Spec?: {
    Name?: string;
    Labels?: Record<string, string>;
    TaskTemplate?: {
      ContainerSpec?: { Image?: string };
      Networks?: ApiNetworkAttachmentConfig[];
      Placement?: { Constraints?: string[]; Preferences?: unknown[]; MaxReplicas?: number };
    };
    /** Before API 1.25 the networks were here; the engine still falls back to them (cluster/services.go). */
    Networks?: ApiNetworkAttachmentConfig[];
    Mode?: { Replicated?: { Replicas?: number }; Global?: object; ReplicatedJob?: object; GlobalJob?: object };
    EndpointSpec?: { Mode?: string; Ports?: ApiPortConfig[] };
  };
}

export interface ApiTask {
  ID?: string;
  ServiceID?: string;
  NodeID?: string;
  Slot?: number;
  DesiredState?: string;
  Status?: { Timestamp?: string; State?: string; Message?: string; Err?: string };
  NetworksAttachments?: { Network?: { ID?: string; Spec?: { Name?: string }; DriverState?: { Name?: string } } }[];
}
