"""The peer of `amf-bench metaworld`: the same work in one Python process, without the bridge.

Builds one simulator per episode, steps a still policy for the horizon and runs the scripted expert until
success, timing each. Usage: .venv-metaworld/bin/python Benchmarks/metaworld_python.py [--slots 5] [--steps 150]
"""
import argparse, pickle, time, warnings

import numpy as np
import metaworld
from metaworld import policies
from metaworld.env_dict import ALL_V3_ENVIRONMENTS

warnings.filterwarnings("ignore", message=r"Constant\(s\) may be too high")
TASKS = [("faucet-open-v3", None), ("faucet-close-v3", None), ("coffee-push-v3", (-0.05, 0.70, 0.0)),
         ("coffee-push-v3", (0.05, 0.75, 0.0))]


def make(name):
    env = ALL_V3_ENVIRONMENTS[name]()
    data = {"env_cls": type(env), "rand_vec": env._random_reset_space.low.copy(), "partially_observable": False}
    env.set_task(metaworld.Task(env_name=name, data=pickle.dumps(data)))
    return env


def start(env, goal, rng):
    low, high = env._random_reset_space.low[:3], env._random_reset_space.high[:3]
    while True:
        vec = rng.uniform(low, high)
        if goal is None:
            return vec
        if np.linalg.norm(vec[:2] - np.array(goal[:2])) >= 0.15:
            return np.concatenate([vec, goal])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--slots", type=int, default=5)
    parser.add_argument("--steps", type=int, default=150)
    args = parser.parse_args()
    rng = np.random.default_rng(1)
    print("| measure | value |")
    print("|---|---:|")
    for task, (name, goal) in enumerate(TASKS):
        t0 = time.perf_counter()
        envs = [make(name) for _ in range(args.slots)]
        built = time.perf_counter() - t0
        expert = getattr(policies, "Sawyer" + "".join(p.capitalize() for p in name.split("-")) + "Policy")()
        t0 = time.perf_counter()
        for env in envs:
            env._last_rand_vec = start(env, goal, rng)
            env.reset()
            for _ in range(args.steps):
                env.step(np.zeros(4))
        rollout = (time.perf_counter() - t0) / (args.slots * args.steps)
        stepped, t0 = 0, time.perf_counter()
        for env in envs:
            env._last_rand_vec = start(env, goal, rng)
            obs, _ = env.reset()
            for _ in range(150):
                obs, _, _, _, info = env.step(np.clip(expert.get_action(obs) + 0.1 * rng.standard_normal(4), -1, 1))
                stepped += 1
                if info["success"]:
                    break
        demo = (time.perf_counter() - t0) / stepped
        print(f"| task {task} ({name}): building {args.slots} simulators | {built * 1e3:.0f} ms |")
        print(f"| task {task}: still policy, per episode step | {rollout * 1e3:.3f} ms |")
        print(f"| task {task}: expert, per step | {demo * 1e3:.3f} ms |")


if __name__ == "__main__":
    main()
