# Included by libcim/Makefile: the compiler front end's sources and the
# protoc-c step.  Paths are relative to libcim/.

COMPILER_SRCS := graph.c graph_node.c graph_pass.c graph_exec.c \
	kernels_float.c kernels_elem.c onnx_ctx.c onnx_fold.c onnx_ops_more.c onnx_tensor.c onnx_import.c onnx_ops.c \
	dataset.c quant_params.c quant_build.c quant_exec.c quant_report.c \
	quant_search.c

COMPILER_HEADERS := $(SRC)/include/cim_graph.h $(SRC)/include/cim_quantize.h

SRCS += $(COMPILER_SRCS:%=compiler/%)

ONNX_PROTO ?= /usr/include/onnx/onnx.proto
GEN := $(B)/gen

$(GEN)/onnx.pb-c.c $(GEN)/onnx.pb-c.h &: $(ONNX_PROTO)
	@test -f $< || { echo "no $<: run tools/install-deps.sh (libonnx-dev)"; exit 1; }
	@mkdir -p $(GEN)
	protoc-c --c_out=$(GEN) -I$(dir $<) $<

$(B)/obj/gen/%.o: $(GEN)/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LIB_CFLAGS) -MMD -MP -c $< -o $@

$(B)/asan/obj/gen/%.o: $(GEN)/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LIB_CFLAGS) $(SAN_FLAGS) -MMD -MP -c $< -o $@

$(B)/obj/compiler/%.o $(B)/asan/obj/compiler/%.o: CPPFLAGS += -I$(GEN)
$(COMPILER_SRCS:%.c=$(B)/obj/compiler/%.o): | $(GEN)/onnx.pb-c.h
$(COMPILER_SRCS:%.c=$(B)/asan/obj/compiler/%.o): | $(GEN)/onnx.pb-c.h
