"""The course's CNNs: exact parameter counts, and a registry holding every recipe of the chapter."""

import pytest

from dualnet import experiments
from dualnet.engines import get_engine

CNN_PARAMS = {
    "fashion-dense": 101_770,
    "fashion-cnn-sample": 54_410,
    "fashion-cnn": 3_989_642,
    "fashion-cnn-pool": 241_546,
    "fashion-vgg": 5_240_842,
    "fashion-vgg-aug": 5_240_842,
    "doit-conv1": 197_210,
    "doit-conv2": 197_210,
}
CNN_IDS = ["conv-demo", "image-channels", "edges", *CNN_PARAMS]


@pytest.mark.parametrize("experiment_id, params", CNN_PARAMS.items())
def test_keras_param_counts_match_the_notes(experiment_id, params):
    recipe = experiments.get(experiment_id)
    engine = get_engine("keras")
    model = engine.build(recipe)
    assert model.count_params() == params == recipe.params
    assert engine.summary(model, recipe).rstrip().endswith(f"Total params: {params:,}")


def test_every_cnn_experiment_is_registered_in_its_chapter():
    for experiment_id in CNN_IDS:
        assert experiments.get(experiment_id).chapter == "cnn"


def test_book_and_doit_recipes_hold_the_notes_setup():
    vgg = experiments.get("fashion-vgg")
    assert (vgg.epochs, vgg.batch_size, vgg.validation_split, vgg.optimizer, vgg.split) == \
        (25, 32, 0.25, "Adam", "last-fraction")
    assert vgg.reported.metric == "test_accuracy" and vgg.reported.value == 0.9276
    doit = experiments.get("doit-conv1")
    assert (doit.epochs, doit.split, doit.loss) == (20, "doit-stratified", "categorical_crossentropy")
    assert doit.reported.metric == "val_accuracy" and doit.reported.value == 0.9163
    aug = experiments.get("fashion-vgg-aug").augmentation
    assert (aug.fraction, aug.rotation_range, aug.zoom_range, aug.shear_range, aug.width_shift_range,
            aug.height_shift_range, aug.horizontal_flip) == (0.5, 10, 0.1, 0.5, 0.1, 0.1, True)


def test_unknown_id_names_the_closest():
    with pytest.raises(experiments.UnknownExperimentError) as err:
        experiments.get("fashion-vg")
    assert "fashion-vgg" in str(err.value) and "dualnet list" in str(err.value)


def test_recipe_serialises_for_config_json():
    import json

    data = experiments.get("fashion-vgg-aug").to_json()
    assert data["model"] == "dualnet.models.fashion_vgg"
    assert json.loads(json.dumps(data))["augmentation"]["rotation_range"] == 10.0
