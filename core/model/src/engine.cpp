// The table of LibTorch-backed model functions (see engine.h).
#include "ropescope/model/engine.h"

namespace ropescope::model {

const ModelEngine& linked_model_engine() {
    static const ModelEngine engine = [] {
        ModelEngine e;
        e.load_model = &load_model;
        e.save_model = &save_model;
        e.evaluate_model = &evaluate_model;
        e.train_model = &train_model;
        e.finetune_model = &finetune_model;
        e.search_factors_on_model = &search_factors_on_model;
        return e;
    }();
    return engine;
}

}  // namespace ropescope::model
