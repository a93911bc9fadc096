package model

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

const podWithSecrets = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      containers:
        - name: app
          image: app:1
          env:
            - {name: PLAIN, value: x}
            - name: TOKEN
              valueFrom: {secretKeyRef: {name: c-env, key: t}}
            - name: CM
              valueFrom: {configMapKeyRef: {name: cm, key: k}}
          envFrom:
            - secretRef: {name: c-envfrom}
            - configMapRef: {name: cm}
      initContainers:
        - name: init
          image: init:1
          env:
            - name: TOKEN
              valueFrom: {secretKeyRef: {name: i-env, key: t}}
          envFrom:
            - secretRef: {name: i-envfrom}
      ephemeralContainers:
        - name: debug
          image: busybox
          envFrom: [{secretRef: {name: e-envfrom}}]
      volumes:
        - name: v1
          secret: {secretName: vol}
        - name: v2
          projected:
            sources:
              - secret: {name: proj}
              - serviceAccountToken: {path: token}
        - name: v3
          csi: {driver: x, nodePublishSecretRef: {name: csi}}
        - name: v4
          secret: {}
`

// TestSecretUses_InAdmissionOrder checks the order of spec §1.8: volumes,
// then init containers (env, envFrom), then containers, then ephemeral.
func TestSecretUses_InAdmissionOrder(t *testing.T) {
	b := BuildText(Options{}, "d.yaml", podWithSecrets)
	if len(b.Pods) != 1 {
		t.Fatalf("got %d pod specs", len(b.Pods))
	}
	var got []string
	for _, u := range b.Pods[0].SecretUses {
		c := ""
		if u.Container != nil {
			c = u.Container.Name + "/" + u.EnvName
		}
		got = append(got, fmt.Sprintf("%d %s %s %s", u.Kind, u.Name, u.Key, c))
	}
	want := []string{
		"1 vol volumes[0].secret.secretName ",
		"4 proj volumes[1].projected.sources[0].secret.name ",
		"5 csi volumes[2].csi.nodePublishSecretRef.name ",
		"1  volumes[3].secret.secretName ",
		"2 i-env initContainers[0].env[0].valueFrom.secretKeyRef.name init/TOKEN",
		"3 i-envfrom initContainers[0].envFrom[0].secretRef.name init/",
		"2 c-env containers[0].env[1].valueFrom.secretKeyRef.name app/TOKEN",
		"3 c-envfrom containers[0].envFrom[0].secretRef.name app/",
		"3 e-envfrom ephemeralContainers[0].envFrom[0].secretRef.name debug/",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("secret uses:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestContainers_InitThenContainersThenEphemeral(t *testing.T) {
	b := BuildText(Options{}, "d.yaml", podWithSecrets)
	var got []string
	for _, c := range b.Pods[0].Containers {
		got = append(got, c.Key()+" "+c.Name+" "+c.Image.String())
	}
	want := []string{"initContainers[0] init init:1", "containers[0] app app:1", "ephemeralContainers[0] debug busybox"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("containers = %q, want %q", got, want)
	}
}

// TestPodSpecLocations_CustomResources checks the data table entries for
// well-known custom resources: which account each names and where.
func TestPodSpecLocations_CustomResources(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       []string // "path name"
	}{
		{"PrometheusServiceAccountName", `apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: k8s}
spec: {serviceAccountName: prom}
`, []string{"spec.serviceAccountName prom"}},
		{"AlertmanagerWithoutAccountIsNotAPodSpec", `apiVersion: monitoring.coreos.com/v1
kind: Alertmanager
metadata: {name: main}
spec: {replicas: 1}
`, nil},
		{"TektonTaskRun", `apiVersion: tekton.dev/v1
kind: TaskRun
metadata: {name: tr}
spec: {serviceAccountName: builder}
`, []string{"spec.serviceAccountName builder"}},
		{"TektonPipelineRunV1", `apiVersion: tekton.dev/v1
kind: PipelineRun
metadata: {name: pr}
spec:
  taskRunTemplate: {serviceAccountName: runner}
  taskRunSpecs:
    - {pipelineTaskName: a, serviceAccountName: a-sa}
    - {pipelineTaskName: b}
`, []string{"spec.taskRunTemplate.serviceAccountName runner", "spec.taskRunSpecs[0].serviceAccountName a-sa"}},
		{"TektonPipelineRunV1beta1", `apiVersion: tekton.dev/v1beta1
kind: PipelineRun
metadata: {name: pr}
spec:
  serviceAccountName: runner
  taskRunSpecs:
    - {pipelineTaskName: a, taskServiceAccountName: a-sa}
`, []string{"spec.serviceAccountName runner", "spec.taskRunSpecs[0].taskServiceAccountName a-sa"}},
		{"ArgoCronWorkflow", `apiVersion: argoproj.io/v1alpha1
kind: CronWorkflow
metadata: {name: cw}
spec: {workflowSpec: {serviceAccountName: wf}}
`, []string{"spec.workflowSpec.serviceAccountName wf"}},
		{"FluxKustomization", `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: apps, namespace: flux-system}
spec: {path: ./apps, serviceAccountName: reconciler}
`, []string{"spec.serviceAccountName reconciler"}},
		{"FluxHelmRelease", `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: podinfo, namespace: team-a}
spec: {serviceAccountName: helm-sa}
`, []string{"spec.serviceAccountName helm-sa"}},
		{"FluxKustomizationWithoutAccountIsNotAPodSpec", `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: apps, namespace: flux-system}
spec: {path: ./apps}
`, nil},
		{"KustomizeFileIsNoFluxObject", `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
serviceAccountName: nobody
resources: [a.yaml]
`, nil},
		{"KnativeServiceIsAFullTemplate", `apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: ks}
spec:
  template:
    spec:
      serviceAccountName: ksa
      containers: [{image: x.io/app}]
`, []string{"spec.template.spec.serviceAccountName ksa"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := BuildText(Options{}, "cr.yaml", tt.yaml)
			var got []string
			for _, p := range b.Pods {
				name, _ := p.AccountName()
				got = append(got, p.FieldPath(p.AccountKey())+" "+name)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("pod specs = %q, want %q", got, tt.want)
			}
		})
	}
}
