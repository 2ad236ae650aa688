resource "aws_appmesh_virtual_router" "backend" {
  for_each  = var.backends
  name      = "${each.key}-router"
  mesh_name = aws_appmesh_mesh.shop.id

  spec {
    listener {
      port_mapping {
        port     = each.value.port
        protocol = "http"
      }
    }
  }
}

resource "aws_appmesh_virtual_router" "grpc" {
  count     = 1
  name      = format("grpc-router-%d", count.index)
  mesh_name = aws_appmesh_mesh.shop.id

  spec {
    listener {
      port_mapping {
        port     = 9000
        protocol = "grpc"
      }
    }
  }
}

resource "aws_appmesh_route" "backend" {
  for_each            = var.backends
  name                = "${each.key}-route"
  mesh_name           = aws_appmesh_mesh.shop.id
  virtual_router_name = aws_appmesh_virtual_router.backend[each.key].name

  spec {
    priority = 10

    http_route {
      match {
        prefix = each.value.path
      }

      action {
        weighted_target {
          virtual_node = aws_appmesh_virtual_node.backend[each.key].name
          weight       = 100
        }
      }

      retry_policy {
        http_retry_events = ["server-error", "gateway-error"]
        tcp_retry_events  = ["connection-error"]
        max_retries       = 3
        per_retry_timeout {
          unit  = "ms"
          value = 2000
        }
      }

      timeout {
        per_request {
          unit  = "s"
          value = 15
        }
      }
    }
  }
}

resource "aws_appmesh_route" "grpc" {
  name                = "catalog-grpc"
  mesh_name           = aws_appmesh_mesh.shop.id
  virtual_router_name = aws_appmesh_virtual_router.grpc[0].name

  spec {
    grpc_route {
      match {
        service_name = "shop.Catalog"
        method_name  = "List"
        metadata {
          name = "x-tenant"
          match {
            exact = "gold"
          }
        }
      }

      action {
        weighted_target {
          virtual_node = aws_appmesh_virtual_node.backend["catalog"].name
          weight       = 1
        }
      }

      retry_policy {
        grpc_retry_events = ["unavailable"]
        max_retries       = 2
        per_retry_timeout {
          unit  = "ms"
          value = 500
        }
      }
    }
  }
}

resource "aws_appmesh_virtual_service" "backend" {
  for_each  = var.backends
  name      = "${each.key}.${var.namespace_name}"
  mesh_name = aws_appmesh_mesh.shop.id

  spec {
    provider {
      virtual_router {
        virtual_router_name = aws_appmesh_virtual_router.backend[each.key].name
      }
    }
  }
}
