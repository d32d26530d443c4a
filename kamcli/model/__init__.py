"""The competency model: schema and safe loading."""

from kamcli.model.loader import check_model, default_model_dir, load_model, resolve_model_dir
from kamcli.model.schema import Competency, CompetencyModel, Item, Stage, StatusBand

__all__ = [
    "Competency",
    "CompetencyModel",
    "Item",
    "Stage",
    "StatusBand",
    "check_model",
    "default_model_dir",
    "load_model",
    "resolve_model_dir",
]
