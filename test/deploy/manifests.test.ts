// deploy/*.yaml against the Kubernetes API's JSON schemas (npm kubernetes-models: every object of a known kind is
// validated, so a misspelled field or a wrong type fails here), and the wiring between them: the learner a single
// StatefulSet replica with its snapshot volume at --data_dir, the actors an Indexed Job whose completion index is
// --actor_index, both pointed at the NATS Service. Not tested on a cluster (none here).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseAllDocuments } from 'yaml'
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet'
import { Job } from 'kubernetes-models/batch/v1/Job'
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap'
import { Service } from 'kubernetes-models/v1/Service'

const test = suite('deploy/manifests')
const KINDS: Record<string, new (o: any) => { validate(): void }> = {
  'apps/v1 StatefulSet': StatefulSet,
  'batch/v1 Job': Job,
  'v1 ConfigMap': ConfigMap,
  'v1 Service': Service,
}
const dir = fileURLToPath(new URL('../../deploy/', import.meta.url))
const docs = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) => parseAllDocuments(fs.readFileSync(dir + f, 'utf8')).map((d) => ({ file: f, obj: d.toJS() })))
const find = (kind: string, name: string) => docs.find((d) => d.obj.kind === kind && d.obj.metadata.name === name)?.obj

test('every object of deploy/ passes its Kubernetes schema', () => {
  assert.ok(docs.length >= 5, `${docs.length} objects`)
  for (const { file, obj } of docs) {
    const K = KINDS[`${obj.apiVersion} ${obj.kind}`]
    assert.ok(K, `${file}: ${obj.apiVersion} ${obj.kind} has no validator here`)
    try {
      new K(obj).validate()
    } catch (e) {
      assert.unreachable(`${file}: ${obj.kind} ${obj.metadata?.name}: ${(e as Error).message}`)
    }
  }
})

test('the validator refuses a wrong type and a missing required field (it can fail)', () => {
  const learner = structuredClone(find('StatefulSet', 'rl-rnd-learner'))
  learner.spec.replicas = 'one'
  assert.throws(() => new StatefulSet(learner).validate())
  const job = structuredClone(find('Job', 'rl-rnd-actors'))
  delete job.spec.template.spec.containers[0].name
  assert.throws(() => new Job(job).validate())
})

test('wiring: one learner with its snapshot volume, Indexed actors by completion index, both on the NATS Service', () => {
  const learner = find('StatefulSet', 'rl-rnd-learner'),
    job = find('Job', 'rl-rnd-actors'),
    svc = find('Service', 'nats')
  assert.is(learner.spec.replicas, 1)
  const c = learner.spec.template.spec.containers[0]
  const dataDir = c.args.find((a: string) => a.startsWith('--data_dir=')).split('=')[1]
  const mount = c.volumeMounts.find((m: any) => m.mountPath === dataDir)
  assert.ok(mount, `a volume at --data_dir ${dataDir}`)
  assert.ok(
    learner.spec.volumeClaimTemplates.some((v: any) => v.metadata.name === mount.name),
    'a persistent claim',
  )
  assert.is(job.spec.completionMode, 'Indexed')
  const script = job.spec.template.spec.containers[0].args.join(' ')
  assert.match(script, /actor --actor_index "\$JOB_COMPLETION_INDEX"/)
  const url = `--nats=nats://${svc.metadata.name}:${svc.spec.ports[0].port}`
  assert.ok(c.args.includes(url), `learner ${url}`)
  assert.ok(script.includes(url), `actors ${url}`)
  for (const flag of ['--config=', '--experiment_name='])
    assert.ok(
      c.args.some((a: string) => a.startsWith(flag)),
      `the learner sets ${flag}`,
    )
  // every training flag of the learner's is the actors' too (those of the learner alone aside)
  const learnerOnly = /^--(data_dir|max_iterations|max_frames|max_policy_lag|disable_progress_bar)=?/
  for (const l of c.args.filter((a: string) => !learnerOnly.test(a))) assert.ok(script.includes(l), `actors and learner agree on ${l}`)
})

test.run()
