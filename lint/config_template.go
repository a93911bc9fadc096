package lint

// ConfigTemplate is the commented .salint.yaml that salint init writes:
// every key, commented out, with an example value. Uncommented, the
// examples are a valid config (config_schema_test.go checks it, against
// salint and the JSON Schema).
const ConfigTemplate = `# salint configuration: https://github.com/salint/salint#configuration
# JSON Schema for editors: docs/salint.schema.json. Every key is optional;
# flags override them. Uncomment what you need.

# Namespace of objects without metadata.namespace (default: "default").
# namespace: default

# ServiceAccounts and Secrets created outside these files (by Helm, an
# operator, another repository): namespace/name, either part may be *.
# externalAccounts: [ci/deployer, "monitoring/*"]
# externalSecrets: [shop/regcred]

# Registries whose images need pull credentials: host[:port], * within one
# DNS label.
# privateRegistries: [registry.corp.example, "*.corp.example:5000"]

# Turn rules on or off, or change their severity (salint rules lists them).
# rules:
#   default-service-account: {enabled: true}
#   unused-service-account: {severity: warning}

# Silence findings without editing the manifests: each entry matches on any
# of rule ("*" for all), kind, namespace, name and path (a glob relative to
# this file). An entry that selects no object gets a notice.
# ignore:
#   - {rule: "*", path: "vendor/**"}
#   - {rule: automount-conflict, kind: Deployment, namespace: monitoring, name: grafana}

# Name the clusters your environments deploy to, when salint's own grouping
# (docs/cluster-views.md; salint views shows it) is not what you want.
# clusters:
#   staging: {paths: [overlays/staging, shared/], namespace: app}
#   prod: {paths: [overlays/prod, shared/]}

# Render a Helm chart with other values than its values.yaml (docs/helm.md).
# helm:
#   charts:
#     charts/web: {values: [charts/web/values-prod.yaml], set: {image.tag: "2.0"}, releaseName: web, namespace: shop}
`
