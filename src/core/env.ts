import { IConstruct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { fail } from './errors';

/** Where an environment variable's value comes from. */
export class EnvValue {
  /** A literal value. */
  public static value(value: string): EnvValue {
    return new EnvValue({ value });
  }

  /** A key of a ConfigMap. */
  public static fromConfigMap(configMapName: string, key: string, opts: { optional?: boolean } = {}): EnvValue {
    return new EnvValue({ valueFrom: { configMapKeyRef: { name: configMapName, key, optional: opts.optional } } });
  }

  /** A key of a Secret; the value never appears in the manifests. */
  public static fromSecret(secretName: string, key: string, opts: { optional?: boolean } = {}): EnvValue {
    return new EnvValue({ valueFrom: { secretKeyRef: { name: secretName, key, optional: opts.optional } } });
  }

  /** A field of the pod (`metadata.name`, `status.podIP`, `spec.nodeName`, ...). */
  public static fromField(fieldPath: string): EnvValue {
    return new EnvValue({ valueFrom: { fieldRef: { fieldPath } } });
  }

  private constructor(private readonly source: Omit<k8s.EnvVar, 'name'>) {}

  /** True when the value is a literal. */
  public get isLiteral(): boolean {
    return this.source.value !== undefined;
  }

  /** Renders the variable. */
  public toEnvVar(name: string): k8s.EnvVar {
    return { name, ...this.source };
  }
}

/** Environment variables: literals as strings, or EnvValue for references. */
export type EnvMap = Record<string, string | EnvValue>;

/** Env var names Kubernetes accepts (C identifiers, plus '-' and '.'), and not starting with a digit. */
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** Validates an env var name. */
export function validateEnvName(name: string, scope?: IConstruct, prop = 'env'): string {
  if (!ENV_NAME.test(name)) {
    fail({
      scope, prop, message: 'has an invalid variable name', value: name,
      allowed: "letters, digits, '_', '-' and '.', not starting with a digit",
      fix: /^[0-9]/.test(name) ? `rename it, e.g. '_${name}' or 'VAR_${name}'` : 'use names like LOG_LEVEL',
    });
  }
  return name;
}

/**
 * An ordered set of env vars that refuses duplicates, so two sources (props, `addEnv`,
 * `connectTo`) can never silently shadow each other.
 */
export class EnvList {
  private readonly vars = new Map<string, k8s.EnvVar>();

  constructor(private readonly scope: IConstruct, private readonly prop = 'env') {}

  /** Adds variables; a name already present is an error. */
  public add(env: EnvMap | undefined, source = this.prop): void {
    for (const [name, v] of Object.entries(env ?? {})) {
      validateEnvName(name, this.scope, source);
      if (this.vars.has(name)) {
        fail({
          scope: this.scope, prop: source, message: `defines the variable '${name}' twice`, value: name,
          allowed: 'each variable name once per container',
          fix: 'remove one of the definitions or rename it',
        });
      }
      const value = typeof v === 'string' ? EnvValue.value(v) : v;
      this.vars.set(name, value.toEnvVar(name));
    }
  }

  /** The names defined so far. */
  public get names(): string[] {
    return [...this.vars.keys()];
  }

  /** Renders the list (undefined when empty, so the YAML stays short). */
  public render(): k8s.EnvVar[] | undefined {
    return this.vars.size ? [...this.vars.values()] : undefined;
  }
}
