"""Loads an amf robomimic export with robomimic's own loader and prints what it read as JSON.

Usage: robomimic_loader.py ROBOMIMIC_FILE [FILTER_KEY ...]. Uses robomimic 0.3.0 (torch CPU) as a training
script does: robomimic.utils.file_utils.get_env_metadata_from_dataset and get_shape_metadata_from_dataset,
robomimic.utils.obs_utils.initialize_obs_utils_with_obs_specs, and robomimic.utils.dataset.SequenceDataset
(seq_length 1, frame_stack 1, the low-dim cache) over the whole file and over each FILTER_KEY (mask/<key>,
with file_utils.get_demos_for_filter_key). Every sample's actions, rewards, dones and observations are printed.

robomimic.utils.file_utils imports torchvision at module level (for its image encoders, not used by
low-dimensional data). No CPU torchvision wheel is installed, so when `import torchvision` fails a stand-in
module with the few names robomimic imports is registered; calling them raises, and nothing else is there.
"""
import json
import sys
import types

OBS_KEY = "observation"  # the one obs/<key> amf's export writes
JSON_OUT, sys.stdout = sys.stdout, sys.stderr  # robomimic prints warnings and progress; stdout carries only the JSON


def stand_in_torchvision():
    def unavailable(*args, **kwargs):
        raise RuntimeError("torchvision is not installed (only robomimic's low-dim path is used here)")

    root = types.ModuleType("torchvision")
    transforms = types.ModuleType("torchvision.transforms")
    functional = types.ModuleType("torchvision.transforms.functional")
    models = types.ModuleType("torchvision.models")
    transforms.Lambda = transforms.Compose = unavailable  # what robomimic.models imports by name
    transforms.functional = functional
    root.transforms, root.models = transforms, models
    sys.modules.update({"torchvision": root, "torchvision.transforms": transforms,
                        "torchvision.transforms.functional": functional, "torchvision.models": models})


try:
    import torchvision  # noqa: F401
except Exception:
    stand_in_torchvision()

import robomimic  # noqa: E402
import robomimic.utils.file_utils as FileUtils  # noqa: E402
import robomimic.utils.obs_utils as ObsUtils  # noqa: E402
from robomimic.utils.dataset import SequenceDataset  # noqa: E402

path, filters = sys.argv[1], sys.argv[2:]


def load(filter_key):
    """Every sample of SequenceDataset (seq_length 1) over the file or over mask/<filter_key>."""
    dataset = SequenceDataset(
        hdf5_path=path, obs_keys=(OBS_KEY,), dataset_keys=("actions", "rewards", "dones"), frame_stack=1,
        seq_length=1, pad_frame_stack=True, pad_seq_length=True, get_pad_mask=False, goal_mode=None,
        hdf5_cache_mode="low_dim", hdf5_use_swmr=True, hdf5_normalize_obs=False,
        filter_by_attribute=filter_key, load_next_obs=False)  # amf writes no next_obs
    samples = [dataset[index] for index in range(len(dataset))]
    return {
        "demos": list(dataset.demos), "n_demos": dataset.n_demos, "samples": len(dataset),
        "demo_of_sample": [dataset._index_to_demo_id[index] for index in range(len(dataset))],
        "action_shape": list(samples[0]["actions"].shape),
        "observation_shape": list(samples[0]["obs"][OBS_KEY].shape),
        "action_dtype": str(samples[0]["actions"].dtype),
        "observation_dtype": str(samples[0]["obs"][OBS_KEY].dtype),
        "actions": [s["actions"][0].tolist() for s in samples],
        "observations": [s["obs"][OBS_KEY][0].tolist() for s in samples],
        "rewards": [float(s["rewards"][0]) for s in samples],
        "dones": [int(s["dones"][0]) for s in samples],
    }


ObsUtils.initialize_obs_utils_with_obs_specs({"obs": {"low_dim": [OBS_KEY]}})
env_meta = FileUtils.get_env_metadata_from_dataset(dataset_path=path)
shape_meta = FileUtils.get_shape_metadata_from_dataset(dataset_path=path, all_obs_keys=[OBS_KEY], verbose=False)
everything = load(None)
masks = {key: {"demos": FileUtils.get_demos_for_filter_key(path, key), "dataset": load(key)} for key in filters}

print(json.dumps({
    "robomimic": robomimic.__version__, "env_meta": env_meta,
    "shape_meta": {"ac_dim": shape_meta["ac_dim"], "all_shapes": {k: list(v) for k, v in shape_meta["all_shapes"].items()},
                   "all_obs_keys": list(shape_meta["all_obs_keys"]), "use_images": shape_meta["use_images"]},
    "dataset": everything, "masks": masks,
}), file=JSON_OUT)
